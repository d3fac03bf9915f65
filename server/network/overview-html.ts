import { escapeMarkup as html } from '../../shared/markup';
import { CONTACT_KINDS } from '../../shared/network';
import type { NamedRow, NetworkOverview } from '../../shared/network-overview';
import { formatDuration } from '../../shared/review';
import type { Language } from '../../shared/text';
import { vocabName } from '../../shared/vocab';

const LABELS = {
  nl: {
    title: 'Zorgnetwerk in beeld',
    standing: 'Stand vandaag',
    organisations: 'organisaties',
    locations: 'locaties',
    connected: 'coördinatoren aangesloten',
    ico: 'waarvan ICO',
    inIntake: 'in intake',
    overdue: 'partnergesprekken achterstallig',
    registry: 'Netwerk: wat veranderde',
    organisationsAdded: 'Organisaties erbij',
    organisationsDeactivated: 'Organisaties eraf',
    locationsAdded: 'Locaties erbij',
    locationsDeactivated: 'Locaties eraf',
    coordinatorsAdded: 'Coördinatoren erbij',
    coordinatorsLeft: 'Coördinatoren vertrokken',
    introductions: 'Introductie afgerond (aangesloten op de alarmering)',
    contacts: 'Contactmomenten',
    partnerTalks: 'Partnergesprekken gehouden',
    meetings: 'Bijeenkomsten',
    invited: 'uitgenodigd',
    attended: 'aanwezig',
    incidents: 'Incidenten en de reactie van het netwerk',
    alerted: 'gealarmeerd',
    acknowledged: 'geantwoord',
    medianAck: 'mediane antwoordtijd',
    reported: 'meldden locaties',
    exercise: 'oefening',
    trend: 'Twaalf maanden',
    trendContacts: 'contactmomenten',
    trendIntros: 'introducties',
    trendAttended: 'aanwezigen bij bijeenkomsten',
    none: 'geen',
  },
  en: {
    title: 'Care network at a glance',
    standing: 'Standing today',
    organisations: 'organisations',
    locations: 'locations',
    connected: 'coordinators connected',
    ico: 'of which ICO',
    inIntake: 'in intake',
    overdue: 'partner talks overdue',
    registry: 'Network: what changed',
    organisationsAdded: 'Organisations added',
    organisationsDeactivated: 'Organisations removed',
    locationsAdded: 'Locations added',
    locationsDeactivated: 'Locations removed',
    coordinatorsAdded: 'Coordinators added',
    coordinatorsLeft: 'Coordinators left',
    introductions: 'Introduction completed (connected to the alerting)',
    contacts: 'Contact moments',
    partnerTalks: 'Partner talks held',
    meetings: 'Meetings',
    invited: 'invited',
    attended: 'attended',
    incidents: 'Incidents and the network’s response',
    alerted: 'alerted',
    acknowledged: 'answered',
    medianAck: 'median time to answer',
    reported: 'reported locations',
    exercise: 'exercise',
    trend: 'Twelve months',
    trendContacts: 'contact moments',
    trendIntros: 'introductions',
    trendAttended: 'attendees at meetings',
    none: 'none',
  },
} as const;

/** The month's name as people say it: "november 2026". */
export function monthName(month: string, lang: Language): string {
  return new Date(`${month}-15T12:00:00Z`).toLocaleDateString(lang === 'nl' ? 'nl-NL' : 'en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** Bars of one series as inline SVG, with the value above each bar and the label below. */
function bars(points: readonly { label: string; value: number }[], colour: string): string {
  const w = 46;
  const h = 90;
  const top = Math.max(1, ...points.map((p) => p.value));
  const cells = points
    .map((p, i) => {
      const bh = Math.round((p.value / top) * h);
      return `<rect x="${i * w + 8}" y="${12 + h - bh}" width="${w - 16}" height="${bh}" fill="${colour}"/><text x="${i * w + w / 2}" y="${10 + h - bh}" text-anchor="middle" font-size="11">${p.value}</text><text x="${i * w + w / 2}" y="${h + 26}" text-anchor="middle" font-size="10">${html(p.label)}</text>`;
    })
    .join('');
  return `<svg role="img" viewBox="0 0 ${points.length * w} ${h + 32}" width="100%" height="${h + 32}">${cells}</svg>`;
}

/** "Zorgnetwerk in beeld" as a page of its own, printable on A4. */
export function overviewHtml(o: NetworkOverview, lang: Language): string {
  const t = LABELS[lang];
  const list = (rows: readonly NamedRow[]) => (rows.length === 0 ? `<p class="muted">${t.none}</p>` : `<ul>${rows.map((r) => `<li>${html(r.name)} <span class="muted">${html(r.organisationName)}</span></li>`).join('')}</ul>`);
  const tiles = [
    [o.standing.organisations, t.organisations],
    [o.standing.locations, t.locations],
    [o.standing.connected, t.connected],
    [o.standing.ico, t.ico],
    [o.standing.inIntake, t.inIntake],
    [o.standing.partnerTalksOverdue, t.overdue],
  ]
    .map(([n, label]) => `<div class="tile"><strong>${n}</strong><span>${label}</span></div>`)
    .join('');
  const registry = (['organisationsAdded', 'organisationsDeactivated', 'locationsAdded', 'locationsDeactivated', 'coordinatorsAdded', 'coordinatorsLeft'] as const)
    .map((key) => `<div><h3>${t[key]} (${o.registry[key].length})</h3>${list(o.registry[key].slice(0, 12))}${o.registry[key].length > 12 ? `<p class="muted">+ ${o.registry[key].length - 12}</p>` : ''}</div>`)
    .join('');
  const shortMonth = (m: string) => new Date(`${m}-15T12:00:00Z`).toLocaleDateString(lang === 'nl' ? 'nl-NL' : 'en-GB', { month: 'short', timeZone: 'UTC' });
  const incidents = o.incidents.length === 0
    ? `<p class="muted">${t.none}</p>`
    : `<table><thead><tr><th></th><th>GRIP</th><th>${t.alerted}</th><th>${t.acknowledged}</th><th>${t.medianAck}</th><th>${t.reported}</th></tr></thead><tbody>${o.incidents
        .map((i) => `<tr><td>${html(i.title)}${i.exercise ? ` <span class="muted">(${t.exercise})</span>` : ''}</td><td>${i.grip}</td><td>${i.alerted}</td><td>${i.acknowledged}${i.alerted ? ` (${Math.round((100 * i.acknowledged) / i.alerted)} %)` : ''}</td><td>${formatDuration(i.medianAckMs)}</td><td>${i.reported}${i.alerted ? ` (${Math.round((100 * i.reported) / i.alerted)} %)` : ''}</td></tr>`)
        .join('')}</tbody></table>`;
  const most = Math.max(1, ...CONTACT_KINDS.map((k) => o.contacts.byKind[k]));
  const kindBars = `<table class="kinds"><tbody>${CONTACT_KINDS.map((k) => `<tr><th>${html(vocabName(lang, 'contactKind', k))}</th><td><span class="hbar" style="width:${Math.round((70 * o.contacts.byKind[k]) / most)}%"></span> ${o.contacts.byKind[k]}</td></tr>`).join('')}</tbody></table>`;
  const day = (d: string) => new Date(`${d}T12:00:00Z`).toLocaleDateString(lang === 'nl' ? 'nl-NL' : 'en-GB', { day: 'numeric', month: 'long', timeZone: 'UTC' });
  const meetings = o.meetings.length === 0
    ? `<p class="muted">${t.none}</p>`
    : `<table><tbody>${o.meetings.map((m) => `<tr><td>${html(day(m.date))}</td><td>${html(vocabName(lang, 'contactKind', m.kind))}: ${html(m.title)}</td><td>${m.attended} ${t.attended} / ${m.invited} ${t.invited}</td></tr>`).join('')}</tbody></table>`;
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${t.title} · ${html(monthName(o.month, lang))}</title>
<style>
  @page { size: A4; margin: 14mm; }
  body { font-family: system-ui, sans-serif; color: #1b1b1b; max-width: 60rem; margin: 1rem auto; padding: 0 1rem; font-size: 14px; }
  h1 { font-size: 1.5rem; margin: 0 0 0.2rem; color: #1d3a6e; } h2 { font-size: 1.1rem; border-bottom: 2px solid #1d3a6e; padding-bottom: 0.15rem; margin-top: 1.4rem; break-after: avoid; } h3 { font-size: 0.95rem; margin: 0.4rem 0 0.2rem; }
  .muted { color: #555; } .tiles { display: grid; grid-template-columns: repeat(6, 1fr); gap: 0.4rem; }
  .tile { border: 1px solid #c9d2e0; border-radius: 6px; padding: 0.4rem; display: flex; flex-direction: column; } .tile strong { font-size: 1.4rem; color: #1d3a6e; }
  .grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0 1rem; } ul { margin: 0; padding-left: 1.1rem; }
  table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #dde3ec; padding: 0.25rem 0.4rem; text-align: left; }
  .kinds { width: auto; min-width: 60%; } .kinds th { font-weight: normal; border: none; width: 11rem; } .kinds td { border: none; }
  .hbar { display: inline-block; height: 0.8rem; background: #1d3a6e; min-width: 2px; vertical-align: middle; }
  section { break-inside: avoid; } @media print { body { margin: 0; } }
</style></head><body>
<h1>${t.title}: ${html(monthName(o.month, lang))}</h1>
<section><h2>${t.standing}</h2><div class="tiles">${tiles}</div></section>
<section><h2>${t.registry}</h2><div class="grid">${registry}</div></section>
<section><h2>${t.introductions} (${o.introductions.length})</h2>${list(o.introductions)}</section>
<section><h2>${t.contacts} (${o.contacts.total})</h2>${kindBars}<h3>${t.partnerTalks} (${o.contacts.partnerTalks.length})</h3>${list(o.contacts.partnerTalks.map((p) => ({ ...p, name: p.organisationName, organisationName: day(p.name) })))}</section>
<section><h2>${t.meetings}</h2>${meetings}</section>
<section><h2>${t.incidents}</h2>${incidents}</section>
<section><h2>${t.trend}</h2><h3>${t.trendContacts}</h3>${bars(o.trend.map((p) => ({ label: shortMonth(p.month), value: p.contacts })), '#1d3a6e')}<h3>${t.trendIntros}</h3>${bars(o.trend.map((p) => ({ label: shortMonth(p.month), value: p.introductions })), '#2e7d32')}<h3>${t.trendAttended}</h3>${bars(o.trend.map((p) => ({ label: shortMonth(p.month), value: p.attended })), '#8a5a00')}</section>
</body></html>`;
}
