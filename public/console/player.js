// The player page: profile, presence, ban, channels, parties, mutes, recent reports, and the
// actions ban/unban, mute/lift, kick or ban from a channel, each through the server API.
import { field, fill, h, table, when } from '/assets/dom.js';

const $ = (id) => document.getElementById(id);

function until(millis) {
  return millis === null ? 'until lifted' : `until ${when(millis)}`;
}

/** Seconds from a form field: '' → undefined (until lifted), else a positive integer. */
function seconds(value) {
  const text = String(value ?? '').trim();
  return text === '' ? undefined : Number(text);
}

export async function openPlayer(ctx, playerIdText) {
  const page = $('player-page');
  const playerId = Number(playerIdText);
  if (!Number.isInteger(playerId) || playerId < 1) return ctx.say('A player id is a positive integer.', true);
  $('player-open').elements.playerId.value = String(playerId);
  const api = ctx.api;
  const loaded = await ctx.attempt(`Player ${playerId}`, () =>
    Promise.all([
      api.get(`/users/${playerId}/overview`),
      api.get(`/users/${playerId}/channels`),
      api.get('/parties', { playerId, size: 20 }),
      api.get('/mutes', { playerId }),
      api.get('/reports', { playerId, size: 10 }),
    ]),
  );
  if (!loaded) return;
  const [overview, channels, parties, mutes, reports] = loaded;
  const reload = () => openPlayer(ctx, playerId);
  const user = overview.user;
  const banned = user.is_ban;
  fill(
    page,
    h(
      'div',
      { class: 'player-head' },
      h('h3', { id: 'player-heading' }, `Player ${playerId}${user.name ? ` — ${user.name}` : ''}`),
      h(
        'span',
        { class: overview.online ? 'online' : 'offline', 'aria-label': 'Presence' },
        overview.online ? 'online' : `offline, last seen ${when(overview.lastSeenMillis)}`,
      ),
      h(
        'span',
        { 'aria-label': 'Ban' },
        banned ? `banned ${until(user.banUntilMillis)}${user.banReason ? `: ${user.banReason}` : ''}` : 'not banned',
      ),
      overview.hasProfile ? null : h('span', { class: 'hint' }, '(no profile)'),
    ),
    table(
      `Channels of player ${playerId}`,
      ['Channel', 'Type', 'Members'],
      channels.channels.map((c) => [c.channelId, c.type, `${c.memberCount}/${c.maxMemberCount}`]),
      'In no channel.',
    ),
    table(
      `Parties of player ${playerId}`,
      ['Party', 'Name', 'Members'],
      parties.content.map((p) => [String(p.id), p.name, `${p.member_count}/${p.max_member_count}`]),
      'In no party.',
    ),
    table(
      `Mutes of player ${playerId}`,
      ['Scope', 'Until', 'Reason', ''],
      mutes.mutes.map((m) => [
        m.channelId ?? 'game-wide',
        until(m.untilMillis),
        m.reason ?? '',
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            'aria-label': `Lift mute ${m.channelId ?? 'game-wide'}`,
            onclick: () =>
              act(
                ctx,
                'Lift mute',
                () => api.send('DELETE', '/mutes', undefined, { playerId, channelId: m.channelId ?? undefined }),
                reload,
              ),
          },
          'Lift',
        ),
      ]),
      'Not muted.',
    ),
    table(
      `Recent reports about player ${playerId}`,
      ['Filed', 'By', 'Category', 'Reason', 'Status'],
      reports.content.map((r) => [when(r.regTimeMillis), String(r.reporterId), r.category, r.reason, r.status]),
      'No reports about this player.',
    ),
    h(
      'div',
      { class: 'actions' },
      banForm(ctx, playerId, banned, reload),
      muteForm(ctx, playerId, reload),
      kickForm(ctx, playerId, channels.channels, reload),
    ),
  );
  ctx.say(`Player ${playerId} loaded.`);
}

async function act(ctx, what, action, reload) {
  const done = await ctx.attempt(what, async () => {
    await action();
    return true;
  });
  if (done) {
    await reload();
    ctx.say(`${what}: done.`);
  }
}

function actionForm(title, children, onsubmit) {
  const form = h('form', { 'aria-label': title }, h('h3', {}, title), ...children);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onsubmit(Object.fromEntries(new FormData(form).entries()));
  });
  return form;
}

function banForm(ctx, playerId, banned, reload) {
  return actionForm(
    'Ban from the game',
    [
      h(
        'div',
        { class: 'row' },
        field('Ban seconds (empty: until lifted)', { name: 'durationSeconds', inputMode: 'numeric' }),
        field('Ban reason', { name: 'reason', maxLength: 200 }),
      ),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'submit', class: 'danger' }, 'Ban player'),
        banned
          ? h(
              'button',
              {
                type: 'button',
                class: 'secondary',
                onclick: () => act(ctx, 'Unban', () => ctx.api.send('PUT', `/users/${playerId}/ban`, { banned: false }), reload),
              },
              'Unban player',
            )
          : null,
      ),
    ],
    (v) =>
      act(
        ctx,
        'Ban',
        () =>
          ctx.api.send('PUT', `/users/${playerId}/ban`, {
            banned: true,
            durationSeconds: seconds(v.durationSeconds),
            reason: v.reason || undefined,
          }),
        reload,
      ),
  );
}

function muteForm(ctx, playerId, reload) {
  return actionForm(
    'Mute',
    [
      h(
        'div',
        { class: 'row' },
        field('Mute channel (empty: game-wide)', { name: 'channelId', maxLength: 100 }),
        field('Mute seconds (empty: until lifted)', { name: 'durationSeconds', inputMode: 'numeric' }),
        field('Mute reason', { name: 'reason', maxLength: 200 }),
      ),
      h('button', { type: 'submit', class: 'danger' }, 'Mute player'),
    ],
    (v) =>
      act(
        ctx,
        'Mute',
        () =>
          ctx.api.send('POST', '/mutes', {
            playerId,
            channelId: v.channelId || undefined,
            durationSeconds: seconds(v.durationSeconds),
            reason: v.reason || undefined,
          }),
        reload,
      ),
  );
}

/** A kick is the server's exit of the member (it may come back); with seconds, a channel ban. */
function kickForm(ctx, playerId, channels, reload) {
  const options = channels.filter((c) => c.type !== 'ONE_ON_ONE').map((c) => h('option', { value: c.channelId }, c.channelId));
  if (options.length === 0)
    return h(
      'form',
      { 'aria-label': 'Kick from a channel' },
      h('h3', {}, 'Kick from a channel'),
      h('p', { class: 'hint' }, 'In no channel.'),
    );
  return actionForm(
    'Kick from a channel',
    [
      h(
        'div',
        { class: 'row' },
        h('label', { class: 'field' }, h('span', {}, 'Channel to kick from'), h('select', { name: 'channelId' }, options)),
        field('Channel ban seconds (empty: kick only)', { name: 'durationSeconds', inputMode: 'numeric' }),
      ),
      h('button', { type: 'submit', class: 'danger' }, 'Kick player'),
    ],
    (v) => {
      const path = `/channels/${encodeURIComponent(v.channelId)}`;
      const duration = seconds(v.durationSeconds);
      return act(
        ctx,
        duration === undefined ? 'Kick' : 'Channel ban',
        () =>
          duration === undefined
            ? ctx.api.send('POST', `${path}/exit`, { playerId })
            : ctx.api.send('POST', `${path}/bans`, { playerId, durationSeconds: duration }),
        reload,
      );
    },
  );
}
