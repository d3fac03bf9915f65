import { IMPACTS, type Report } from '../../shared/board-schema';
import type { Location, Organisation } from '../../shared/domain';
import type { Incident } from '../../shared/incident';
import { escapeMarkup as html } from '../../shared/markup';
import type { PlainStateAnswer } from '../../shared/replay-index';
import { firstReportAfter, formatDuration as duration, type ReviewMetrics, type SeriesPoint, type TimelineEvent } from '../../shared/review';
import { regionTime, type Language } from '../../shared/text';
import { vocabName } from '../../shared/vocab';

const LABELS = {
  nl: {
    title: 'Evaluatierapport',
    summary: 'Samenvatting',
    started: 'Gestart',
    ended: 'Beëindigd',
    running: 'loopt nog',
    length: 'Duur',
    gripCourse: 'GRIP-verloop',
    alerted: 'Organisaties gealarmeerd',
    answered: 'geantwoord',
    hit: 'getroffen',
    reported: 'Locaties gemeld',
    needsFiled: 'Hulpvragen',
    needsMet: 'opgelost',
    keyTimes: 'Kerntijden (vanaf de start)',
    firstAlert: 'Eerste alarm',
    half: '50 % van de organisaties geantwoord',
    ninety: '90 % van de organisaties geantwoord',
    firstReport: 'Eerste melding',
    alerts: 'Alarmeringen',
    target: 'Doelgroep',
    targetAll: 'alle organisaties',
    organisationsN: 'organisaties',
    answers: 'Antwoorden',
    noAnswer: 'geen antwoord',
    neverAnswered: 'Nooit geantwoord',
    outside: 'Berichten buiten de app',
    escalated: 'geëscaleerd',
    callNow: 'op de belijst',
    organisations: 'Organisaties: reactietijden',
    organisation: 'Organisatie',
    ack: 'Antwoord na alarm',
    answer: 'Antwoord',
    firstReportAfter: 'Eerste melding na alarm',
    beforeAlert: 'vóór het alarm',
    withoutAlert: 'zonder alarm',
    finalStatus: 'Eindstatus per locatie',
    location: 'Locatie',
    impact: 'Impact',
    operation: 'Bedrijfsvoering',
    details: 'Capaciteit en voorzieningen',
    remarks: 'Opmerkingen',
    unreported: 'locaties zonder melding',
    needs: 'Hulpvragen: van open tot opgelost',
    kind: 'Soort',
    urgency: 'Urgentie',
    opened: 'Geopend',
    met: 'Opgelost na',
    status: 'Eindstatus',
    logbook: 'Logboek',
    charts: 'Verloop',
    impactChart: 'Locaties per impact',
    openNeeds: 'Open hulpvragen',
    capacityChart: 'Bedden vrij / kan opnemen',
    bedsFree: 'Bedden vrij',
    canReceive: 'Kan opnemen',
    picture: 'Situatiebeeld: versies',
    events: 'gebeurtenissen in de tijdlijn',
    none: '—',
    generated: 'Gemaakt op',
    page: 'Pagina',
    alarm: 'Alarm',
    update: 'Update',
    cancel: 'Einde',
    exercise: 'oefening',
  },
  en: {
    title: 'After-action report',
    summary: 'Summary',
    started: 'Started',
    ended: 'Ended',
    running: 'still running',
    length: 'Duration',
    gripCourse: 'GRIP history',
    alerted: 'Organisations alerted',
    answered: 'answered',
    hit: 'hit',
    reported: 'Locations reported',
    needsFiled: 'Needs',
    needsMet: 'met',
    keyTimes: 'Key times (from the start)',
    firstAlert: 'First alert',
    half: '50 % of the organisations answered',
    ninety: '90 % of the organisations answered',
    firstReport: 'First report',
    alerts: 'Alerts',
    target: 'Target',
    targetAll: 'all organisations',
    organisationsN: 'organisations',
    answers: 'Answers',
    noAnswer: 'no answer',
    neverAnswered: 'Never answered',
    outside: 'Messages outside the app',
    escalated: 'escalated',
    callNow: 'on the call list',
    organisations: 'Organisations: response times',
    organisation: 'Organisation',
    ack: 'Answer after alert',
    answer: 'Answer',
    firstReportAfter: 'First report after alert',
    beforeAlert: 'before the alert',
    withoutAlert: 'without an alert',
    finalStatus: 'Final status per location',
    location: 'Location',
    impact: 'Impact',
    operation: 'Operation',
    details: 'Capacity and utilities',
    remarks: 'Remarks',
    unreported: 'locations without a report',
    needs: 'Needs: from open to met',
    kind: 'Kind',
    urgency: 'Urgency',
    opened: 'Opened',
    met: 'Met after',
    status: 'Final status',
    logbook: 'Logbook',
    charts: 'Over time',
    impactChart: 'Locations per impact level',
    openNeeds: 'Open needs',
    capacityChart: 'Beds free / can receive',
    bedsFree: 'Beds free',
    canReceive: 'Can receive',
    picture: 'Situation picture: versions',
    events: 'events in the timeline',
    none: '—',
    generated: 'Generated',
    page: 'Page',
    alarm: 'Alert',
    update: 'Update',
    cancel: 'All clear',
    exercise: 'exercise',
  },
} as const;
type Labels = (typeof LABELS)[Language];

const COLOURS: Record<string, string> = { unknown: '#9aa3ad', none: '#2e9d5b', minor: '#e8c21c', major: '#ef7d18', critical: '#d0261b', openNeeds: '#b3261e', bedsFree: '#1f6fb2', canReceive: '#17a589' };

/** Clock time in the region's zone, with the date only when it differs from `day` (the incident's first day). */
function clock(iso: string, lang: Language, day?: string): string {
  const date = regionTime(iso, lang, { day: 'numeric', month: 'short' });
  const time = regionTime(iso, lang);
  return day !== undefined && date === day ? time : `${date} ${time}`;
}

/** A small line chart as inline SVG (prints well, needs no script); times in the region's zone. */
function chart(series: SeriesPoint[], lines: { key: string; label: string; values: number[] }[], title: string, lang: Language): string {
  const width = 640;
  const height = 180;
  const max = Math.max(1, ...lines.flatMap((l) => l.values));
  const x = (i: number) => 40 + (i / Math.max(1, series.length - 1)) * (width - 60);
  const y = (v: number) => height - 24 - (v / max) * (height - 44);
  const paths = lines
    .map((l) => `<polyline fill="none" stroke="${COLOURS[l.key] ?? '#333'}" stroke-width="2" points="${l.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`)
    .join('');
  const legend = lines.map((l, i) => `<text x="${48 + i * 110}" y="14" font-size="11" fill="#1b2430"><tspan fill="${COLOURS[l.key] ?? '#333'}">■</tspan> ${html(l.label)}</text>`).join('');
  const first = series[0] ? clock(series[0].at, lang) : '';
  const last = series.length > 0 ? clock(series[series.length - 1].at, lang) : '';
  return `<figure><figcaption>${html(title)}</figcaption><svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${html(title)}">
<line x1="40" y1="${height - 24}" x2="${width - 20}" y2="${height - 24}" stroke="#999"/><line x1="40" y1="20" x2="40" y2="${height - 24}" stroke="#999"/>
<text x="34" y="${y(max) + 4}" font-size="10" text-anchor="end">${max}</text><text x="34" y="${height - 20}" font-size="10" text-anchor="end">0</text>
<text x="40" y="${height - 6}" font-size="10">${html(first)}</text><text x="${width - 20}" y="${height - 6}" font-size="10" text-anchor="end">${html(last)}</text>
${legend}${paths}</svg></figure>`;
}

/** Versions of the situation picture: the texts after each burst of editing (a pause of 5 minutes ends one). */
export function pictureVersions(events: readonly TimelineEvent[]): string[] {
  const times = events.filter((e) => e.type === 'picture').map((e) => Date.parse(e.at));
  const ends: number[] = [];
  for (let i = 0; i < times.length; i++) if (i === times.length - 1 || times[i + 1] - times[i] > 5 * 60000) ends.push(times[i]);
  return ends.map((t) => new Date(t).toISOString());
}

/** One alert as the log tells it: what was sent to whom, and how each organisation answered. */
interface AlertStory {
  alertId: string;
  at: string;
  msgType: string;
  grip: number;
  exercise: boolean;
  message: string;
  organisationIds: string[];
  answers: Map<string, string>;
  messages: Map<string, Map<string, number>>;
  escalated: Set<string>;
  callNow: Set<string>;
}

function alertStories(events: readonly TimelineEvent[]): AlertStory[] {
  const stories = new Map<string, AlertStory>();
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  for (const e of events) {
    const d = e.detail;
    const alertId = str(d.alertId);
    if (e.type === 'alert-sent' && alertId) {
      stories.set(alertId, {
        alertId,
        at: e.at,
        msgType: str(d.msgType) || 'Alert',
        grip: Number(d.grip) || 0,
        exercise: d.exercise === true,
        message: str(d.message),
        organisationIds: Array.isArray(d.organisationIds) ? d.organisationIds.filter((id): id is string => typeof id === 'string') : [],
        answers: new Map(),
        messages: new Map(),
        escalated: new Set(),
        callNow: new Set(),
      });
      continue;
    }
    const story = stories.get(alertId);
    if (!story) continue;
    if (e.type === 'alert-acked' && e.organisationId && !story.answers.has(e.organisationId)) story.answers.set(e.organisationId, str(d.answer));
    // A corrected answer counts as what the organisation answered.
    if (e.type === 'answer-corrected' && e.organisationId && story.answers.has(e.organisationId)) story.answers.set(e.organisationId, str(d.answer));
    if (e.type === 'message-state') {
      const channel = str(d.channel);
      const byState = story.messages.get(channel) ?? new Map<string, number>();
      byState.set(str(d.state), (byState.get(str(d.state)) ?? 0) + 1);
      story.messages.set(channel, byState);
    }
    if (e.type === 'alert-escalated' && e.organisationId) (Number(d.step) >= 2 ? story.callNow : story.escalated).add(e.organisationId);
  }
  return [...stories.values()];
}

/** When the given share of the organisations alerted first had answered, from the start. */
function shareAnsweredAt(metrics: ReviewMetrics, share: number): number | null {
  const alerted = metrics.organisations.filter((o) => o.firstAlertAt !== null);
  const times = alerted.map((o) => o.acknowledgedAt).filter((t): t is string => t !== null).map(Date.parse).sort((a, b) => a - b);
  const needed = Math.ceil(alerted.length * share);
  if (alerted.length === 0 || times.length < needed) return null;
  return times[needed - 1] - Date.parse(metrics.startedAt);
}

/** A report's cells in the final status; capacity and utilities share one, so that the location's name keeps its room on A4. */
function reportCells(report: Report, lang: Language, L: Labels): { impact: string; operation: string; details: string; remarks: string } {
  const v = (group: string, value: string | undefined) => (value ? vocabName(lang, group, value) : '');
  const figures = (['bedsFree', 'canReceive', 'clientsPresent', 'toEvacuate', 'dependentOnPower'] as const)
    .filter((k) => typeof report[k] === 'number')
    .map((k) => `${vocabName(lang, 'capacity', k)} ${report[k]}`);
  const utilities = (['power', 'water', 'heating', 'telecom'] as const).filter((k) => report[k]).map((k) => `${vocabName(lang, 'utilityName', k)}: ${v('utility', report[k])}`);
  return { impact: v('impact', report.impact) || L.none, operation: v('operation', report.operation) || L.none, details: [...figures, ...utilities].join(', ') || L.none, remarks: report.remarks ?? '' };
}

/** The printable after-action report: summary first, then the story, then the detail (A4). */
export function reportHtml({
  incident,
  organisations,
  locations,
  metrics,
  series,
  events,
  final,
  versions,
  lang,
  now,
}: {
  incident: Incident;
  organisations: readonly Organisation[];
  locations: readonly Location[];
  metrics: ReviewMetrics;
  series: SeriesPoint[];
  events: readonly TimelineEvent[];
  final: PlainStateAnswer;
  versions: { at: string; picture: Record<string, string> }[];
  lang: Language;
  now: Date;
}): string {
  const L = LABELS[lang];
  const day = regionTime(incident.startedAt, lang, { day: 'numeric', month: 'short' });
  const time = (iso: string | null) => (iso ? clock(iso, lang, day) : L.none);
  const full = (iso: string | null) => (iso ? regionTime(iso, lang, { dateStyle: 'long', timeStyle: 'short' }) : L.none);
  const nameOf = new Map(organisations.map((o) => [o.id, o.name]));
  const answerWord = (answer: string | null) => (answer ? vocabName(lang, 'answer', answer) : L.none);

  // Summary figures.
  const alerted = metrics.organisations.filter((o) => o.firstAlertAt !== null);
  const answered = alerted.filter((o) => o.acknowledgedAt !== null);
  const hit = alerted.filter((o) => o.answer === 'yes');
  const reportedIds = Object.keys(final.reports);
  const needsMet = metrics.needs.filter((n) => n.metAt !== null).length;
  const end = metrics.endedAt ?? now.toISOString();
  const firstReport = metrics.organisations.map((o) => o.firstReportAt).filter((t): t is string => t !== null).sort()[0] ?? null;
  const grip = metrics.gripChanges.map((g, i) => (i === 0 ? `GRIP ${g.to}` : `GRIP ${g.to} (${time(g.at)})`)).join(' → ');
  const percent = (n: number, of: number) => (of === 0 ? '' : ` (${Math.round((n / of) * 100)} %)`);

  // Final status: organisations with a hit location first, then the others with a report.
  const byOrganisation = new Map<string, Location[]>();
  for (const l of locations) byOrganisation.set(l.organisationId, [...(byOrganisation.get(l.organisationId) ?? []), l]);
  const severity = (report: Report | undefined) => IMPACTS.indexOf(report?.impact ?? 'unknown');
  const statusGroups = [...byOrganisation]
    .map(([organisationId, own]) => ({ organisationId, own, reported: own.filter((l) => final.reports[l.id]), worst: Math.max(-1, ...own.map((l) => severity(final.reports[l.id]))) }))
    .filter((g) => g.reported.length > 0)
    .sort((a, b) => b.worst - a.worst || (nameOf.get(a.organisationId) ?? '').localeCompare(nameOf.get(b.organisationId) ?? '', 'nl'));
  // A column of remarks only when there are any: empty, it took the room of the location's name.
  const withRemarks = statusGroups.some((g) => g.reported.some((l) => final.reports[l.id].remarks));
  const columns = withRemarks ? 5 : 4;

  const stories = alertStories(events);
  const kindOf = (msgType: string) => (msgType === 'Cancel' ? L.cancel : msgType === 'Update' ? L.update : L.alarm);

  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${html(L.title)} · ${html(incident.title)}</title>
<style>
@page{size:A4;margin:16mm 14mm 18mm;@bottom-right{content:"${L.page} " counter(page) " / " counter(pages);font:10px system-ui,sans-serif;color:#555}@bottom-left{content:"${html(incident.title.replace(/"/g, "'"))} · Zorgbeeld";font:10px system-ui,sans-serif;color:#555}}
body{font:13px/1.45 system-ui,sans-serif;color:#1b2430;max-width:60rem;margin:1.5rem auto;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.4rem 0 .5rem;border-bottom:1px solid #ccd}h3{font-size:1rem;margin:1rem 0 .3rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.2rem .4rem;border-bottom:1px solid #dde;font-size:.88rem;vertical-align:top}
thead{display:table-header-group}tr{break-inside:avoid}
dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.3rem 0}dl.summary dt{font-weight:600}dl.summary dd{margin:0}
.alert{border-left:4px solid #b3261e;padding:.2rem .6rem;margin:.6rem 0;break-inside:avoid}
.hit td:first-child{border-left:4px solid #d0261b}
figure{margin:.6rem 0;break-inside:avoid}figcaption{font-weight:600}pre{white-space:pre-wrap;background:#f5f7fa;padding:.5rem;border-radius:4px;font:inherit}
.muted{color:#555}
col.place{width:34%}
@media screen and (max-width:700px){body{margin:.6rem auto;padding:0 .6rem}table{display:block;overflow-x:auto}dl.summary{grid-template-columns:1fr}dl.summary dd{margin-bottom:.3rem}}
@media print{body{margin:0;max-width:none}h2,h3{break-after:avoid}}
</style></head><body>
<h1>${html(L.title)}: ${html(incident.title)}</h1>
<h2>${html(L.summary)}</h2>
<dl class="summary" data-section="summary">
<dt>${html(L.started)}</dt><dd>${html(full(metrics.startedAt))}</dd>
<dt>${html(L.ended)}</dt><dd>${html(metrics.endedAt ? full(metrics.endedAt) : L.running)}</dd>
<dt>${html(L.length)}</dt><dd>${duration(Date.parse(end) - Date.parse(metrics.startedAt))}</dd>
<dt>${html(L.gripCourse)}</dt><dd>${html(grip)}</dd>
<dt>${html(L.alerted)}</dt><dd>${alerted.length} · ${answered.length} ${html(L.answered)}${percent(answered.length, alerted.length)} · ${hit.length} ${html(L.hit)}</dd>
<dt>${html(L.reported)}</dt><dd>${reportedIds.length} / ${locations.length}</dd>
<dt>${html(L.needsFiled)}</dt><dd>${metrics.needs.length} · ${needsMet} ${html(L.needsMet)}</dd>
<dt>${html(L.keyTimes)}</dt><dd>${html(L.firstAlert)} ${duration(metrics.timeToFirstAlertMs)} · ${html(L.half)} ${duration(shareAnsweredAt(metrics, 0.5))} · ${html(L.ninety)} ${duration(shareAnsweredAt(metrics, 0.9))} · ${html(L.firstReport)} ${duration(firstReport ? Date.parse(firstReport) - Date.parse(metrics.startedAt) : null)}</dd>
</dl>

<h2>${html(L.alerts)}</h2>
<div data-section="alerts">
${
  stories
    .map((s) => {
      const counts = new Map<string, number>();
      for (const id of s.organisationIds) {
        const a = s.answers.get(id) ?? '';
        counts.set(a, (counts.get(a) ?? 0) + 1);
      }
      const answerLine = ['yes', 'no', 'unknown'].map((a) => `${counts.get(a) ?? 0} ${html(vocabName(lang, 'answer', a))}`).concat(`${counts.get('') ?? 0} ${html(L.noAnswer)}`).join(' · ');
      const never = s.organisationIds.filter((id) => !s.answers.has(id)).map((id) => nameOf.get(id) ?? id);
      const outside = [...s.messages].map(([channel, states]) => `${html(vocabName(lang, 'channel', channel))}: ${[...states].map(([state, n]) => `${n} ${html(vocabName(lang, 'delivery', state))}`).join(', ')}`).join(' · ');
      const target = s.organisationIds.length === organisations.filter((o) => o.active).length ? L.targetAll : `${s.organisationIds.length} ${L.organisationsN}`;
      return `<section class="alert"><h3>${html(time(s.at))} · ${html(kindOf(s.msgType))} · GRIP ${s.grip}${s.exercise ? ` · ${html(L.exercise)}` : ''}</h3>
<p>${html(s.message)}</p>
<p><strong>${html(L.target)}:</strong> ${html(target)} · <strong>${html(L.answers)}:</strong> ${answerLine}${s.escalated.size > 0 ? ` · ${s.escalated.size} ${html(L.escalated)}, ${s.callNow.size} ${html(L.callNow)}` : ''}</p>
${outside ? `<p><strong>${html(L.outside)}:</strong> ${outside}</p>` : ''}
${never.length > 0 ? `<p><strong>${html(L.neverAnswered)} (${never.length}):</strong> ${never.map(html).join(', ')}</p>` : ''}</section>`;
    })
    .join('\n') || `<p>${html(L.none)}</p>`
}
</div>

<h2>${html(L.organisations)}</h2>
<table data-section="organisations"><thead><tr><th>${html(L.organisation)}</th><th>${html(L.ack)}</th><th>${html(L.answer)}</th><th>${html(L.firstReportAfter)}</th></tr></thead><tbody>
${[...metrics.organisations]
  .filter((o) => o.firstAlertAt !== null || o.firstReportAt !== null)
  .sort((a, b) => (a.timeToAcknowledgeMs ?? Infinity) - (b.timeToAcknowledgeMs ?? Infinity))
  .map((o) => `<tr><td>${html(o.name)}</td><td>${duration(o.timeToAcknowledgeMs)}</td><td>${html(answerWord(o.answer))}</td><td>${html(firstReportAfter(o, L))}</td></tr>`)
  .join('\n')}
</tbody></table>

<h2>${html(L.finalStatus)}</h2>
<table data-section="final-status"><colgroup><col class="place"></colgroup><thead><tr><th>${html(L.location)}</th><th>${html(L.impact)}</th><th>${html(L.operation)}</th><th>${html(L.details)}</th>${withRemarks ? `<th>${html(L.remarks)}</th>` : ''}</tr></thead>
${statusGroups
  .map((g) => {
    const rows = g.reported
      .sort((a, b) => severity(final.reports[b.id]) - severity(final.reports[a.id]) || a.name.localeCompare(b.name, 'nl'))
      .map((l) => {
        const c = reportCells(final.reports[l.id], lang, L);
        return `<tr class="${severity(final.reports[l.id]) >= 2 ? 'hit' : ''}" data-location="${html(l.id)}"><td>${html(l.name)}</td><td>${html(c.impact)}</td><td>${html(c.operation)}</td><td>${html(c.details)}</td>${withRemarks ? `<td>${html(c.remarks)}</td>` : ''}</tr>`;
      })
      .join('');
    const rest = g.own.length - g.reported.length;
    return `<tbody><tr><th colspan="${columns}">${html(nameOf.get(g.organisationId) ?? g.organisationId)}${rest > 0 ? ` <span class="muted">(+ ${rest} ${html(L.unreported)})</span>` : ''}</th></tr>${rows}</tbody>`;
  })
  .join('\n') || `<tbody><tr><td colspan="${columns}">${html(L.none)}</td></tr></tbody>`}
</table>

<h2>${html(L.needs)}</h2>
<table data-section="needs"><thead><tr><th>${html(L.organisation)}</th><th>${html(L.kind)}</th><th>${html(L.urgency)}</th><th>${html(L.opened)}</th><th>${html(L.met)}</th><th>${html(L.status)}</th></tr></thead><tbody>
${metrics.needs.map((n) => `<tr><td>${html(n.organisationId ? (nameOf.get(n.organisationId) ?? n.organisationId) : L.none)}</td><td>${html(n.kind ? vocabName(lang, 'needKind', n.kind) : L.none)}</td><td>${html(n.urgency ? vocabName(lang, 'urgency', n.urgency) : L.none)}</td><td>${html(time(n.openedAt))}</td><td>${duration(n.durationMs)}</td><td>${html(n.finalStatus ? vocabName(lang, 'needStatus', n.finalStatus) : L.none)}</td></tr>`).join('\n') || `<tr><td colspan="6">${html(L.none)}</td></tr>`}
</tbody></table>

<h2>${html(L.logbook)}</h2>
<table data-section="logbook"><tbody>
${[...final.logbook].sort((a, b) => a.at.localeCompare(b.at)).map((entry) => `<tr><td>${html(time(entry.at))}</td><td>${html(entry.by)}</td><td>${html(entry.text)}</td></tr>`).join('\n') || `<tr><td>${html(L.none)}</td></tr>`}
</tbody></table>

<h2>${html(L.charts)}</h2>
${chart(series, IMPACTS.map((i) => ({ key: i, label: vocabName(lang, 'impact', i), values: series.map((p) => p.byImpact[i]) })), L.impactChart, lang)}
${chart(series, [{ key: 'openNeeds', label: L.openNeeds, values: series.map((p) => p.openNeeds) }], L.openNeeds, lang)}
${chart(series, [{ key: 'bedsFree', label: L.bedsFree, values: series.map((p) => p.bedsFree) }, { key: 'canReceive', label: L.canReceive, values: series.map((p) => p.canReceive) }], L.capacityChart, lang)}

<h2>${html(L.picture)}</h2>
${versions.map((v) => `<section><h3>${html(time(v.at))}</h3>${Object.entries(v.picture).map(([k, text]) => `<p><strong>${html(vocabName(lang, 'picture', k))}</strong></p><pre>${html(text)}</pre>`).join('')}</section>`).join('\n') || `<p>${html(L.none)}</p>`}
<p class="muted"><small>${events.length} ${html(L.events)} · ${html(L.generated)} ${html(full(now.toISOString()))} · Zorgbeeld</small></p>
</body></html>`;
}
