// The report queue (resolve or dismiss with a note) and the audit log, with their filters.
import { fill, h, table, when } from '/assets/dom.js';

const $ = (id) => document.getElementById(id);

function values(form) {
  return Object.fromEntries(new FormData(form).entries());
}

export async function showReports(ctx, form) {
  const { status, playerId } = values(form);
  const data = await ctx.attempt('Reports', () => ctx.api.get('/reports', { status, playerId, size: 50 }));
  if (!data) return;
  fill(
    $('report-list'),
    table(
      `${data.page.totalElements} report(s)`,
      ['Report', 'Player', 'About', 'Status', 'Decision'],
      data.content.map((r) => [
        `#${r.reportId} ${when(r.regTimeMillis)} by ${r.reporterId}`,
        h(
          'button',
          { type: 'button', class: 'secondary', 'aria-label': `Open player ${r.playerId}`, onclick: () => ctx.openPlayer(r.playerId) },
          String(r.playerId),
        ),
        h(
          'span',
          {},
          `${r.category}: ${r.reason}`,
          r.messageText ? h('br') : null,
          r.messageText ? h('q', {}, r.messageText) : null,
          r.channelId ? ` (${r.channelId})` : '',
        ),
        `${r.status}${r.note ? ` — ${r.note}` : ''}`,
        decision(ctx, r, form),
      ]),
      'No reports.',
    ),
  );
}

function decision(ctx, report, filterForm) {
  const note = h('input', { 'aria-label': `Note for report ${report.reportId}`, maxLength: 500, placeholder: 'note' });
  const decide = (status) => async () => {
    const done = await ctx.attempt(`Report ${report.reportId}`, () =>
      ctx.api.send('PATCH', `/reports/${report.reportId}`, { status, ...(note.value ? { note: note.value } : {}) }),
    );
    if (!done) return;
    ctx.say(`Report ${report.reportId} ${status}.`);
    await showReports(ctx, filterForm);
  };
  return h(
    'div',
    { class: 'report-actions' },
    note,
    h('button', { type: 'button', 'aria-label': `Resolve report ${report.reportId}`, onclick: decide('resolved') }, 'Resolve'),
    h(
      'button',
      { type: 'button', class: 'secondary', 'aria-label': `Dismiss report ${report.reportId}`, onclick: decide('dismissed') },
      'Dismiss',
    ),
  );
}

export async function showAudit(ctx, form, page = 1) {
  const { action, actorId, targetPlayerId } = values(form);
  const data = await ctx.attempt('Audit log', () =>
    ctx.api.get('/audit', { action, actorId: actorId.trim(), targetPlayerId, page, size: 20 }),
  );
  if (!data) return;
  const { currentPage, totalPages } = data.page;
  fill(
    $('audit-list'),
    table(
      `${data.page.totalElements} entr(ies), page ${currentPage} of ${Math.max(totalPages, 1)}`,
      ['When', 'Action', 'Actor', 'Target', 'Channel', 'Details'],
      data.content.map((a) => [
        when(a.regTimeMillis),
        a.action,
        String(a.actor),
        a.targetPlayerId ?? '',
        a.channelId ?? '',
        h('code', {}, JSON.stringify(a.details)),
      ]),
      'No entries.',
    ),
    h(
      'div',
      { class: 'row' },
      h(
        'button',
        { type: 'button', class: 'secondary', disabled: currentPage <= 1, onclick: () => showAudit(ctx, form, currentPage - 1) },
        'Previous page',
      ),
      h(
        'button',
        { type: 'button', class: 'secondary', disabled: currentPage >= totalPages, onclick: () => showAudit(ctx, form, currentPage + 1) },
        'Next page',
      ),
    ),
  );
}
