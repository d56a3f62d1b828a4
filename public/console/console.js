// /console: sign-in, live figures, channel and party search, then the player page, reports and
// audit log (player.js, moderation.js). Every figure and action goes through the server API.
import { fill, h, table, when } from '/assets/dom.js';
import { ServerApi, forgetSession, saveSession, savedSession } from './api.js';
import { showAudit, showReports } from './moderation.js';
import { openPlayer } from './player.js';

const $ = (id) => document.getElementById(id);
const FIGURES_EVERY_MS = 2000;

const statusLine = $('status');
/** One line for the outcome of the last action, read out by screen readers. */
export function say(text, error = false) {
  statusLine.textContent = text;
  statusLine.classList.toggle('error', error);
}

/** Runs an action, reporting its failure on the status line instead of throwing. */
export async function attempt(what, action) {
  try {
    return await action();
  } catch (err) {
    say(`${what} failed: ${err.message}`, true);
    return undefined;
  }
}

const state = { api: null, timer: null, last: null };

export const ctx = {
  get api() {
    return state.api;
  },
  say,
  attempt,
  openPlayer: (playerId) => openPlayer(ctx, playerId),
};

function formValues(form) {
  return Object.fromEntries(new FormData(form).entries());
}

function playerLink(playerId) {
  return h(
    'button',
    { type: 'button', class: 'secondary', onclick: () => ctx.openPlayer(playerId), 'aria-label': `Open player ${playerId}` },
    String(playerId),
  );
}

function presence(online) {
  return h('span', { class: online ? 'online' : 'offline' }, online ? 'online' : 'offline');
}

async function signIn(session) {
  const api = new ServerApi(session);
  await api.get('/stats'); // refuses a wrong key (401) before anything is shown
  state.api = api;
  saveSession(session);
  $('signin-view').hidden = true;
  $('console-view').hidden = false;
  $('nav').hidden = false;
  $('who').hidden = false;
  $('signed-in-as').textContent = `game ${session.gameIndex}`;
  say(`Signed in to game ${session.gameIndex}.`);
  state.last = null;
  void refreshFigures();
  state.timer = setInterval(() => void refreshFigures(), FIGURES_EVERY_MS);
  void showReports(ctx, $('report-filter'));
  void showAudit(ctx, $('audit-filter'));
}

function signOut() {
  forgetSession();
  clearInterval(state.timer);
  state.api = null;
  location.hash = '';
  location.reload();
}

async function refreshFigures() {
  if (!state.api) return;
  const now = await attempt('Live figures', () => state.api.get('/stats'));
  if (!now) return;
  $('fig-connections').textContent = String(now.connections);
  const last = state.last;
  if (last && now.timeMillis > last.timeMillis) {
    const seconds = (now.timeMillis - last.timeMillis) / 1000;
    $('fig-messages').textContent = ((now.messagesTotal - last.messagesTotal) / seconds).toFixed(1);
    $('fig-deliveries').textContent = ((now.deliveriesTotal - last.deliveriesTotal) / seconds).toFixed(1);
  }
  state.last = now;
}

async function searchChannels(form) {
  const { channelName, channelId } = formValues(form);
  const data = await attempt('Channel search', () => state.api.get('/channels', { channelName, channelId, size: 10 }));
  if (!data) return;
  fill($('channel-members'));
  fill(
    $('channel-results'),
    table(
      `${data.page.totalElements} channel(s), first ${data.content.length}`,
      ['Id', 'Name', 'Type', 'Members', ''],
      data.content.map((c) => [
        c.channelId,
        c.channelName,
        c.type,
        `${c.memberCount}/${c.maxMemberCount}`,
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            'aria-label': `Members of channel ${c.channelId}`,
            onclick: () => void channelMembers(c.channelId),
          },
          'Members',
        ),
      ]),
      'No channel matches.',
    ),
  );
}

async function channelMembers(channelId) {
  const data = await attempt('Channel members', () => state.api.get(`/channels/${encodeURIComponent(channelId)}/members`));
  if (!data) return;
  fill(
    $('channel-members'),
    h('h3', {}, `Members of ${channelId}`),
    table(
      `Members of channel ${channelId}`,
      ['Player', 'Presence', 'Connected since'],
      data.members.map((m) => [playerLink(m.playerId), presence(m.connectedTimeMillis !== null), when(m.connectedTimeMillis)]),
      'No members.',
    ),
  );
}

async function searchParties(form) {
  const { name } = formValues(form);
  const data = await attempt('Party search', () => state.api.get('/parties', { name, size: 20 }));
  if (!data) return;
  fill($('party-members'));
  fill(
    $('party-results'),
    table(
      `${data.page.totalElements} part(ies), first ${data.content.length}`,
      ['Id', 'Name', 'Members', 'Private', ''],
      data.content.map((p) => [
        String(p.id),
        p.name,
        `${p.member_count}/${p.max_member_count}`,
        p.is_private ? 'yes' : 'no',
        h(
          'button',
          { type: 'button', class: 'secondary', 'aria-label': `Members of party ${p.id}`, onclick: () => void partyMembers(p.id, p.name) },
          'Members',
        ),
      ]),
      'No party matches.',
    ),
  );
}

async function partyMembers(partyId, name) {
  const data = await attempt('Party members', () => state.api.get(`/parties/${partyId}/members`, { size: 100 }));
  if (!data) return;
  const roles = { 1: 'owner', 2: 'admin', 3: 'member' };
  fill(
    $('party-members'),
    h('h3', {}, `Members of ${name} (#${partyId})`),
    table(
      `Members of party ${partyId}`,
      ['Player', 'Name', 'Role', 'Presence'],
      data.content.map((m) => [playerLink(m.id), m.name, roles[m.role] ?? String(m.role), presence(m.online)]),
      'No members.',
    ),
  );
}

function onSubmit(id, handler) {
  $(id).addEventListener('submit', (event) => {
    event.preventDefault();
    void handler(event.currentTarget);
  });
}

onSubmit('signin', async (form) => {
  const { gameIndex, key } = formValues(form);
  await attempt('Sign in', () => signIn({ gameIndex: Number(gameIndex), key }));
});
$('sign-out').addEventListener('click', signOut);
onSubmit('channel-search', searchChannels);
onSubmit('party-search', searchParties);
onSubmit('player-open', (form) => ctx.openPlayer(formValues(form).playerId.trim()));
onSubmit('report-filter', (form) => showReports(ctx, form));
onSubmit('audit-filter', (form) => showAudit(ctx, form));

const saved = savedSession();
if (saved) void attempt('Sign in', () => signIn(saved));
