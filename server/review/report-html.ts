import { IMPACTS } from '../../shared/board-schema';
import type { Incident } from '../../shared/incident';
import type { ReviewMetrics, SeriesPoint, TimelineEvent } from '../../shared/review';
import { escapeMarkup as html } from '../../shared/markup';
import { formatDuration as duration } from '../../shared/review';
import type { Language } from '../../shared/text';

const LABELS = {
  nl: { title: 'Evaluatierapport', started: 'Gestart', ended: 'Beëindigd', running: 'loopt nog', firstAlert: 'Tijd tot eerste alarm', grip: 'GRIP-verloop', organisations: 'Organisaties: reactietijden', organisation: 'Organisatie', ack: 'Bevestigd na', answer: 'Antwoord', firstReport: 'Eerste melding na', needs: 'Hulpvragen: van open tot opgelost', kind: 'Soort', urgency: 'Urgentie', opened: 'Geopend', met: 'Opgelost na', status: 'Eindstatus', charts: 'Verloop', impact: 'Locaties per impact', openNeeds: 'Open hulpvragen', capacity: 'Bedden vrij / kan opnemen', picture: 'Situatiebeeld: versies', events: 'gebeurtenissen in de tijdlijn', none: '—', generated: 'Gemaakt op' },
  en: { title: 'After-action report', started: 'Started', ended: 'Ended', running: 'still running', firstAlert: 'Time to first alert', grip: 'GRIP history', organisations: 'Organisations: response times', organisation: 'Organisation', ack: 'Acknowledged after', answer: 'Answer', firstReport: 'First report after', needs: 'Needs: from open to met', kind: 'Kind', urgency: 'Urgency', opened: 'Opened', met: 'Met after', status: 'Final status', charts: 'Over time', impact: 'Locations per impact level', openNeeds: 'Open needs', capacity: 'Beds free / can receive', picture: 'Situation picture: versions', events: 'events in the timeline', none: '—', generated: 'Generated' },
} as const;

const COLOURS: Record<string, string> = { unknown: '#9aa3ad', none: '#2e9d5b', minor: '#e8c21c', major: '#ef7d18', critical: '#d0261b', openNeeds: '#b3261e', bedsFree: '#1f6fb2', canReceive: '#17a589' };

/** A small line chart as inline SVG (prints well, needs no script). */
function chart(series: SeriesPoint[], lines: { key: string; values: number[] }[], title: string): string {
  const width = 640;
  const height = 180;
  const max = Math.max(1, ...lines.flatMap((l) => l.values));
  const x = (i: number) => 40 + (i / Math.max(1, series.length - 1)) * (width - 60);
  const y = (v: number) => height - 24 - (v / max) * (height - 44);
  const paths = lines
    .map((l) => `<polyline fill="none" stroke="${COLOURS[l.key] ?? '#333'}" stroke-width="2" points="${l.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`)
    .join('');
  const legend = lines.map((l, i) => `<text x="${48 + i * 100}" y="14" font-size="11" fill="${COLOURS[l.key] ?? '#333'}">■ ${html(l.key)}</text>`).join('');
  const first = series[0]?.at.slice(11, 16) ?? '';
  const last = series[series.length - 1]?.at.slice(11, 16) ?? '';
  return `<figure><figcaption>${html(title)}</figcaption><svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${html(title)}">
<line x1="40" y1="${height - 24}" x2="${width - 20}" y2="${height - 24}" stroke="#999"/><line x1="40" y1="20" x2="40" y2="${height - 24}" stroke="#999"/>
<text x="34" y="${y(max) + 4}" font-size="10" text-anchor="end">${max}</text><text x="34" y="${height - 20}" font-size="10" text-anchor="end">0</text>
<text x="40" y="${height - 6}" font-size="10">${first} UTC</text><text x="${width - 20}" y="${height - 6}" font-size="10" text-anchor="end">${last} UTC</text>
${legend}${paths}</svg></figure>`;
}

/** Versions of the situation picture: the texts after each burst of editing (a pause of 5 minutes ends one). */
export function pictureVersions(events: readonly TimelineEvent[]): string[] {
  const times = events.filter((e) => e.type === 'picture').map((e) => Date.parse(e.at));
  const ends: number[] = [];
  for (let i = 0; i < times.length; i++) if (i === times.length - 1 || times[i + 1] - times[i] > 5 * 60000) ends.push(times[i]);
  return ends.map((t) => new Date(t).toISOString());
}

/** The printable after-action report. */
export function reportHtml({
  incident,
  metrics,
  series,
  versions,
  eventCount,
  lang,
  now,
}: {
  incident: Incident;
  metrics: ReviewMetrics;
  series: SeriesPoint[];
  versions: { at: string; picture: Record<string, string> }[];
  eventCount: number;
  lang: Language;
  now: Date;
}): string {
  const L = LABELS[lang];
  const time = (iso: string | null) => (iso ? new Date(iso).toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB', { timeZone: 'Europe/Amsterdam' }) : L.none);
  const organisations = [...metrics.organisations].sort((a, b) => (a.timeToAcknowledgeMs ?? Infinity) - (b.timeToAcknowledgeMs ?? Infinity));
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${html(L.title)} · ${html(incident.title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;color:#1b2430;max-width:60rem;margin:1.5rem auto;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.6rem 0 .5rem;border-bottom:1px solid #ccd}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.25rem .4rem;border-bottom:1px solid #dde;font-size:.9rem}
figure{margin:.6rem 0}figcaption{font-weight:600}pre{white-space:pre-wrap;background:#f5f7fa;padding:.5rem;border-radius:4px}
@media print{body{margin:0}h2{break-after:avoid}table,figure{break-inside:avoid}}
</style></head><body>
<h1>${html(L.title)}: ${html(incident.title)}</h1>
<p>${html(L.started)}: ${html(time(metrics.startedAt))} · ${html(L.ended)}: ${html(metrics.endedAt ? time(metrics.endedAt) : L.running)} · ${eventCount} ${html(L.events)}</p>
<p><strong>${html(L.firstAlert)}:</strong> ${duration(metrics.timeToFirstAlertMs)}</p>
<h2>${html(L.grip)}</h2>
<table><tbody>${metrics.gripChanges.map((g) => `<tr><td>${html(time(g.at))}</td><td>GRIP ${g.from ?? ''}${g.from !== null ? ' → ' : ''}${g.to}</td></tr>`).join('')}</tbody></table>
<h2>${html(L.organisations)}</h2>
<table data-section="organisations"><thead><tr><th>${html(L.organisation)}</th><th>${html(L.ack)}</th><th>${html(L.answer)}</th><th>${html(L.firstReport)}</th></tr></thead><tbody>
${organisations.map((o) => `<tr><td>${html(o.name)}</td><td>${duration(o.timeToAcknowledgeMs)}</td><td>${html(o.answer ?? L.none)}</td><td>${duration(o.timeToFirstReportMs)}</td></tr>`).join('\n')}
</tbody></table>
<h2>${html(L.needs)}</h2>
<table data-section="needs"><thead><tr><th>${html(L.kind)}</th><th>${html(L.urgency)}</th><th>${html(L.opened)}</th><th>${html(L.met)}</th><th>${html(L.status)}</th></tr></thead><tbody>
${metrics.needs.map((n) => `<tr><td>${html(n.kind)}</td><td>${html(n.urgency)}</td><td>${html(time(n.openedAt))}</td><td>${duration(n.durationMs)}</td><td>${html(n.finalStatus)}</td></tr>`).join('\n')}
</tbody></table>
<h2>${html(L.charts)}</h2>
${chart(series, IMPACTS.map((i) => ({ key: i, values: series.map((p) => p.byImpact[i]) })), L.impact)}
${chart(series, [{ key: 'openNeeds', values: series.map((p) => p.openNeeds) }], L.openNeeds)}
${chart(series, [{ key: 'bedsFree', values: series.map((p) => p.bedsFree) }, { key: 'canReceive', values: series.map((p) => p.canReceive) }], L.capacity)}
<h2>${html(L.picture)}</h2>
${versions.map((v) => `<section><h3>${html(time(v.at))}</h3>${Object.entries(v.picture).map(([k, text]) => `<p><strong>${html(k)}</strong></p><pre>${html(text)}</pre>`).join('')}</section>`).join('\n') || `<p>${html(L.none)}</p>`}
<p><small>${html(L.generated)} ${html(time(now.toISOString()))} · Zorgbeeld</small></p>
</body></html>`;
}
