import type { Page } from 'playwright-core';
import { browserTest, describeBrowser, overflowsWidth, useBrowser } from './support/browser.js';
import { useTestApp } from './support/test-app.js';
import { resetRealtimeCaches } from './support/ws-client.js';

/** /demo in a real headless Chromium: two players, each in its own page, chat through a party (docs/console.md#demo). */
describeBrowser('demo client in a browser', () => {
  const t = useTestApp();
  const b = useBrowser();
  let ann: Page;
  let bob: Page;

  beforeAll(async () => {
    // Two contexts: two separate browsers' worth of storage, as two players on two machines.
    ann = await (await b.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    bob = await (await b.browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  });
  beforeEach(() => resetRealtimeCaches(t));

  const login = async (page: Page, name: string): Promise<string> => {
    await page.goto(`${t.url}/demo/`);
    await page.getByLabel('Your name').fill(name);
    await page.getByRole('button', { name: 'Play as guest' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Connected as player \d+\.$/ })
      .waitFor();
    return (await page.getByRole('status').textContent())!.match(/\d+/)![0];
  };
  const messages = (page: Page) => page.getByRole('list', { name: 'Messages' });

  browserTest(
    'two players chat through a party joined by its code, and the frames panel shows the packets',
    () => [ann, bob],
    async () => {
      const annId = await login(ann, 'Ann');
      await login(bob, 'Bob');

      await ann.getByLabel('Party name').fill('Demo Raid');
      await ann.getByRole('button', { name: 'Create party' }).click();
      const code = (await ann.getByLabel('Join code of your party').textContent())!;
      expect(code).toMatch(/^[A-Z0-9]{6}$/);

      await bob.getByLabel('Join code', { exact: true }).fill(code.toLowerCase());
      await bob.getByRole('button', { name: 'Join with code' }).click();
      await bob.getByRole('heading', { name: /In party Demo Raid/ }).waitFor();
      await ann.getByRole('table', { name: 'Members of Demo Raid' }).getByText('Bob').waitFor();

      await ann.getByLabel('Party message').fill('hello bob');
      await ann.getByRole('button', { name: 'Send to party' }).click();
      await messages(bob).getByText('hello bob').waitFor();
      await bob.getByLabel('Party message').fill('hi ann');
      await bob.getByRole('button', { name: 'Send to party' }).click();
      await messages(ann).getByText('hi ann').waitFor();

      await bob.getByLabel('To player').fill(annId);
      await bob.getByLabel('Direct message').fill('psst');
      await bob.getByRole('button', { name: 'Send direct' }).click();
      await messages(ann).getByText('psst').waitFor();

      const frames = ann.getByRole('list', { name: 'WebSocket frames' });
      await frames.getByText(/→ \{"packetType":"CHANNEL_CHAT".*"hello bob"/).waitFor();
      await frames.getByText(/← \{"packetType":"NOTIFY_CHANNEL_CHAT".*"hi ann"/).waitFor();
      expect(await overflowsWidth(bob)).toBe(false);
      // The README's picture of the demo (WRITE_SCREENSHOTS=1 npm test -- test/demo.browser.e2e-spec.ts).
      if (process.env.WRITE_SCREENSHOTS === '1') await ann.screenshot({ path: 'docs/images/demo.png', fullPage: true });
    },
  );

  browserTest(
    'finds a party by name and checks presence',
    () => [ann, bob],
    async () => {
      await login(ann, 'Ann');
      const bobId = await login(bob, 'Bob');
      await bob.getByLabel('Party name').fill('Open Lobby');
      await bob.getByRole('button', { name: 'Create party' }).click();
      await bob.getByRole('heading', { name: /In party Open Lobby/ }).waitFor();

      await ann.getByLabel('Find parties named').fill('lobby');
      await ann.getByRole('button', { name: 'Find parties' }).click();
      await ann.getByRole('button', { name: 'Join Open Lobby' }).click();
      await ann.getByRole('heading', { name: /In party Open Lobby/ }).waitFor();

      await ann.getByLabel('Player ids (comma separated)').fill(bobId);
      await ann.getByRole('button', { name: 'Check presence' }).click();
      await ann
        .getByRole('table', { name: 'Presence' })
        .getByRole('row')
        .filter({ hasText: bobId })
        .filter({ hasText: 'online' })
        .waitFor();
    },
  );
});
