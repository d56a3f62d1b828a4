/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { browserTest, describeBrowser, overflowsWidth, useBrowser } from './support/browser.js';
import { asPlayer, hive, playerToken } from './support/http.js';
import { SERVER_KEY, useTestApp } from './support/test-app.js';
import { WsClient, resetRealtimeCaches } from './support/ws-client.js';

/** /console in a real headless Chromium, signed in with game 1's server key (docs/console.md). */
describeBrowser('console in a browser', () => {
  const t = useTestApp();
  const b = useBrowser();
  let page: Page;
  const clients: WsClient[] = [];

  beforeAll(async () => {
    page = await b.browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  beforeEach(() => resetRealtimeCaches(t));
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  const connect = async (playerId: number) => {
    const client = await WsClient.connect(t, playerId);
    clients.push(client);
    return client;
  };
  const status = () => page.getByRole('status');
  const waitForStatus = (text: string | RegExp) => status().filter({ hasText: text }).waitFor();

  browserTest(
    'shows nothing before sign-in, then the live connection count moves when a client connects',
    () => [page],
    async () => {
      await page.goto(`${t.url}/console`);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(await page.getByRole('heading', { name: /Live figures/ }).isVisible()).toBe(false);

      await page.getByLabel('Server key').fill('not-the-key');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await waitForStatus(/Sign in failed: the server key is not valid for game 1/);

      await page.getByLabel('Server key').fill(SERVER_KEY);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await waitForStatus('Signed in to game 1.');
      await page.getByLabel('Connections', { exact: true }).filter({ hasText: /^0$/ }).waitFor();
      await connect(1001);
      await page.getByLabel('Connections', { exact: true }).filter({ hasText: /^1$/ }).waitFor();
      expect(await page.evaluate(() => sessionStorage.length + localStorage.length)).toBe(1);
    },
  );

  browserTest(
    'finds a channel and a party with their members and presence',
    () => [page],
    async () => {
      await connect(1001);
      await hive(t)
        .post('/api/v1/games/1/channel')
        .send({ channelId: 'guild-42', channelName: 'Wolves', maxMemberCount: 10, type: 'GROUP', playerId: 1001 })
        .expect(200);
      const owner = await playerToken(t, 1002);
      await asPlayer(t, owner)
        .post('/api/table/services/parties')
        .send({ data: { name: 'Night Raid', max_member_count: 4 } })
        .expect(200);

      await page.getByLabel('Channel name contains').fill('wolv');
      await page.getByRole('button', { name: 'Search channels' }).click();
      await page.getByRole('button', { name: 'Members of channel guild-42' }).click();
      const channelMembers = page.getByRole('table', { name: 'Members of channel guild-42' });
      await channelMembers.getByRole('row').filter({ hasText: '1001' }).filter({ hasText: 'online' }).waitFor();

      await page.getByLabel('Party name contains').fill('raid');
      await page.getByRole('button', { name: 'Search parties' }).click();
      await page.getByRole('button', { name: /Members of party \d+/ }).click();
      const partyMembers = page.getByRole('table', { name: /Members of party \d+/ });
      await partyMembers.getByRole('row').filter({ hasText: '1002' }).filter({ hasText: 'offline' }).waitFor();
    },
  );

  browserTest(
    "mutes a player from its page, and the player's next message is refused 403/310; then kicks it",
    () => [page],
    async () => {
      await hive(t)
        .post('/api/v1/games/1/channel')
        .send({ channelId: 'lobby', channelName: 'Lobby', maxMemberCount: 10, type: 'GROUP' })
        .expect(200);
      const talker = await connect(1002);
      await talker.ok('ENTER_CHANNEL', { channelId: 'lobby' });
      await talker.ok('CHANNEL_CHAT', { channelId: 'lobby', message: 'before' });

      await page.getByLabel('Player id').fill('1002');
      await page.getByRole('button', { name: 'Open player', exact: true }).click();
      await page.getByRole('heading', { name: /^Player 1002/ }).waitFor();
      await page.getByRole('table', { name: 'Channels of player 1002' }).getByText('lobby').waitFor();
      await page.getByLabel('Mute reason').fill('spam');
      await page.getByRole('button', { name: 'Mute player' }).click();
      await waitForStatus('Mute: done.');
      await page.getByRole('table', { name: 'Mutes of player 1002' }).getByText('game-wide').waitFor();

      const refused = await talker.request('CHANNEL_CHAT', { channelId: 'lobby', message: 'after' });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe(310);

      await page.getByLabel('Channel to kick from').selectOption('lobby');
      await page.getByRole('button', { name: 'Kick player' }).click();
      await waitForStatus('Kick: done.');
      await talker.nextNotify('NOTIFY_EXIT_CHANNEL', (body) => body.channelId === 'lobby');
      const members = await hive(t).get('/api/v1/games/1/channels/lobby/members').expect(200);
      expect(members.body.data.members).toEqual([]);
      // The README's picture of the console (WRITE_SCREENSHOTS=1 npm test -- test/console.browser.e2e-spec.ts).
      if (process.env.WRITE_SCREENSHOTS === '1') await page.screenshot({ path: 'docs/images/console.png', fullPage: true });
    },
  );

  browserTest(
    'resolves a report with a note, and the audit log shows it',
    () => [page],
    async () => {
      const reporter = await connect(1001);
      const { reportId } = await reporter.ok('REPORT', { playerId: 1002, category: 'abuse', reason: 'rude words' });

      await page.getByRole('button', { name: 'Show reports' }).click();
      await page.getByLabel(`Note for report ${reportId}`).fill('warned');
      await page.getByRole('button', { name: `Resolve report ${reportId}` }).click();
      await waitForStatus(`Report ${reportId} resolved.`);
      const reports = await hive(t).get('/api/v1/games/1/reports?status=resolved').expect(200);
      expect(reports.body.data.content).toEqual([expect.objectContaining({ reportId, status: 'resolved', note: 'warned' })]);

      await page.getByLabel('Action').selectOption('report_update');
      await page.getByRole('button', { name: 'Show audit log' }).click();
      await page
        .getByRole('table', { name: /1 entr\(ies\)/ })
        .getByText('"previousStatus":"open"')
        .waitFor();
    },
  );

  browserTest(
    'fits a narrow phone screen and a wide one',
    () => [page],
    async () => {
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 800 });
        await page.reload();
        await page.getByRole('heading', { name: /Live figures/ }).waitFor();
        expect(await overflowsWidth(page)).toBe(false);
      }
    },
  );
});
