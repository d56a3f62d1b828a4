// /demo: a small game client. Guest login (Party API), one WebSocket, a party with its chat
// channel, any channel by id, direct chat and presence; the frames panel shows every packet.
import { fill, h, table, when } from '/assets/dom.js';
import { HiveSocket } from './socket.js';

const $ = (id) => document.getElementById(id);
const MAX_FRAMES = 300;
const PARTY_CHANNEL = 'general';
const state = { token: null, playerId: null, socket: null, party: null, channelId: null };

function say(text, error = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', error);
}

async function attempt(what, action) {
  try {
    return await action();
  } catch (err) {
    say(`${what} failed: ${err.message}`, true);
    return undefined;
  }
}

function showFrame(direction, text) {
  const list = $('frames');
  list.append(h('li', { class: direction }, `${direction === 'out' ? '→' : '←'} ${text}`));
  while (list.children.length > MAX_FRAMES) list.firstElementChild.remove();
  list.scrollTop = list.scrollHeight;
}

function showMessage(where, from, text) {
  const list = $('messages');
  list.append(h('li', {}, h('span', { class: 'where' }, `[${where}] `), h('strong', {}, `${from}: `), text));
  list.scrollTop = list.scrollHeight;
}

/** The Party API with this player's token (DynamicPixels shapes: `{row}`, `{list, totalCount}`). */
async function partyApi(method, path, body) {
  const response = await fetch(`/api/table/services/parties${path}`, {
    method,
    headers: { Authorization: `Bearer ${state.token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.detail ?? answer.msg ?? `HTTP ${response.status}`);
  return answer;
}

function onPush(type, body) {
  if (type === 'NOTIFY_CHANNEL_CHAT') showMessage(body.channelId, body.from, body.message);
  else if (type === 'NOTIFY_DIRECT_CHAT') showMessage('direct', body.from, body.message);
  else if (type === 'NOTIFY_PRESENCE') showMessage('presence', body.playerId, body.online ? 'came online' : 'went offline');
  else if (type === 'NOTIFY_MUTED') showMessage('moderation', 'server', `you are muted${body.channelId ? ` in ${body.channelId}` : ''}`);
  if (type.startsWith('NOTIFY_PARTY_') && state.party && body.partyId === state.party.id) {
    if (type === 'NOTIFY_PARTY_DELETED') setParty(null);
    else void showParty();
  }
}

async function login(name) {
  const response = await fetch('/api/auth/guest', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(name ? { name } : {}),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.detail ?? answer.msg);
  state.token = answer.token;
  state.playerId = answer.user.id;
  state.socket?.ws?.close();
  state.socket = new HiveSocket({ onFrame: showFrame, onPush, onClose: (e) => say(`Disconnected (${e.code} ${e.reason || ''}).`, true) });
  await state.socket.connect(state.token);
  $('me').textContent = `player ${state.playerId}${name ? ` (${name})` : ''}`;
  say(`Connected as player ${state.playerId}.`);
}

function setParty(party) {
  state.party = party;
  $('party-chat').hidden = !party;
  if (!party) fill($('party-info'));
  else void showParty();
}

async function showParty() {
  const { id, name } = state.party;
  const [party, members] = await Promise.all([partyApi('GET', `/${id}`), partyApi('GET', `/${id}/members`)]);
  if (party.row.code) state.party.code = party.row.code;
  fill(
    $('party-info'),
    h('h3', { id: 'party-heading' }, `In party ${name} (#${id})`),
    state.party.code ? h('p', {}, 'Join code: ', h('strong', { 'aria-label': 'Join code of your party' }, state.party.code)) : null,
    table(
      `Members of ${name}`,
      ['Player', 'Name', 'Presence'],
      members.list.map((m) => [
        String(m.id),
        m.name,
        h('span', { class: m.online ? 'online' : 'offline' }, m.online ? 'online' : 'offline'),
      ]),
    ),
  );
}

async function findParties(query) {
  const found = await partyApi('GET', `?query=${encodeURIComponent(query)}&limit=10`);
  fill(
    $('party-found'),
    table(
      'Parties found',
      ['Party', 'Members', ''],
      found.list.map((p) => [
        p.name,
        `${p.member_count}/${p.max_member_count}`,
        h('button', { type: 'button', class: 'secondary', onclick: () => void joinParty(p) }, `Join ${p.name}`),
      ]),
      'No party found.',
    ),
  );
}

async function joinParty(party) {
  const joined = await attempt('Join', () => partyApi('POST', `/${party.id}`, { channels: [PARTY_CHANNEL] }));
  if (!joined) return;
  if (joined.row.status !== 1) return say(`Asked to join ${party.name}: waiting for its owner (private party).`);
  setParty({ id: party.id, name: party.name });
  say(`Joined ${party.name}.`);
}

function onSubmit(id, handler) {
  const form = $(id);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(form).entries());
    void attempt(form.querySelector('button[type=submit]').textContent, () => handler(values, form));
  });
}

const needSocket = () => {
  if (!state.socket) throw new Error('log in first');
  return state.socket;
};

onSubmit('login', ({ name }) => login(name.trim()));
onSubmit('party-create', async ({ name }) => {
  needSocket();
  const created = await partyApi('POST', '', { data: { name, max_member_count: 8, channels: [PARTY_CHANNEL] } });
  setParty({ id: created.row.id, name: created.row.name, code: created.row.code });
  say(`Created ${created.row.name}; share the join code ${created.row.code}.`);
});
onSubmit('party-code', async ({ code }) => {
  needSocket();
  const joined = await partyApi('POST', '/join', { code: code.trim(), channels: [PARTY_CHANNEL] });
  const party = await partyApi('GET', `/${joined.row.party}`);
  setParty({ id: party.row.id, name: party.row.name, code: party.row.code });
  say(`Joined ${party.row.name}.`);
});
onSubmit('party-search', ({ query }) => (needSocket(), findParties(query.trim())));
onSubmit('party-chat', async ({ message }, form) => {
  const channelId = `party:${state.party.id}:${PARTY_CHANNEL}`;
  const sent = await needSocket().request('CHANNEL_CHAT', { channelId, message });
  showMessage(channelId, `${state.playerId} (me)`, sent.message);
  form.reset();
});
onSubmit('channel-enter', async ({ channelId }) => {
  await needSocket().request('ENTER_CHANNEL', { channelId });
  state.channelId = channelId;
  say(`Entered ${channelId}.`);
});
onSubmit('channel-chat', async ({ message }, form) => {
  if (!state.channelId) throw new Error('enter a channel first');
  const sent = await needSocket().request('CHANNEL_CHAT', { channelId: state.channelId, message });
  showMessage(state.channelId, `${state.playerId} (me)`, sent.message);
  form.reset();
});
onSubmit('direct', async ({ toPlayerId, message }, form) => {
  const sent = await needSocket().request('DIRECT_CHAT', { toPlayerId: Number(toPlayerId), message });
  showMessage(`direct to ${toPlayerId}`, `${state.playerId} (me)`, sent.message);
  form.elements.message.value = '';
});
onSubmit('presence', async ({ playerIds }) => {
  const ids = playerIds
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  const { players } = await needSocket().request('GET_PRESENCE', { playerIds: ids });
  fill(
    $('presence-result'),
    table(
      'Presence',
      ['Player', 'Online', 'Last seen'],
      players.map((p) => [String(p.playerId), p.online ? 'online' : 'offline', when(p.lastSeenMillis)]),
    ),
  );
});
