import { REGION_TIME_ZONE, cutWhole } from '../../shared/text';
import type { Alert } from '../../shared/alert';
import { escapeMarkup as xml } from '../../shared/markup';

/** The CAP 1.2 namespace. */
export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';

/**
 * A time as CAP wants it: local time with a numeric offset, never `Z` (CAP 1.2 §3.3.2: UTC is
 * written `-00:00`). The region's own zone is used so the times read as the staff saw them.
 */
export function capTime(iso: string, timeZone = REGION_TIME_ZONE): string {
  const date = new Date(iso);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  const offset = Math.round((local - Math.floor(date.getTime() / 1000) * 1000) / 60000);
  const sign = offset < 0 || offset === 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** CAP severity from the GRIP level. */
function severity(grip: number): string {
  if (grip >= 4) return 'Extreme';
  if (grip >= 2) return 'Severe';
  if (grip === 1) return 'Moderate';
  return 'Minor';
}

/** CAP polygon: space-separated `lat,lon` pairs, first equal to last. */
export function capPolygon(ring: readonly (readonly number[])[]): string {
  const points = ring.map(([lon, lat]) => `${lat},${lon}`);
  if (points[0] !== points[points.length - 1]) points.push(points[0]);
  return points.join(' ');
}

/** Writes an alert as a CAP 1.2 message; `first` is the alert a follow-up references. */
export function toCap({ alert, first, incidentTitle, sender, organisationNames }: { alert: Alert; first: Alert | null; incidentTitle: string; sender: string; organisationNames: string[] }): string {
  const identifier = (a: Alert) => `zorgbeeld-${a.id}`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<alert xmlns="${CAP_NAMESPACE}">`,
    `  <identifier>${xml(identifier(alert))}</identifier>`,
    `  <sender>${xml(sender)}</sender>`,
    `  <sent>${capTime(alert.sentAt)}</sent>`,
    `  <status>${alert.exercise ? 'Exercise' : 'Actual'}</status>`,
    `  <msgType>${alert.msgType}</msgType>`,
    '  <scope>Restricted</scope>',
    '  <restriction>Zorgorganisaties aangesloten op het alarmeringsproces van de GHOR</restriction>',
  ];
  if (first && alert.msgType !== 'Alert') lines.push(`  <references>${xml(`${sender},${identifier(first)},${capTime(first.sentAt)}`)}</references>`);
  lines.push(`  <incidents>${xml(alert.incidentId)}</incidents>`);
  lines.push(
    '  <info>',
    '    <language>nl-NL</language>',
    '    <category>Health</category>',
    `    <event>${xml(incidentTitle)}</event>`,
    `    <urgency>${alert.msgType === 'Cancel' ? 'Past' : 'Immediate'}</urgency>`,
    `    <severity>${severity(alert.grip)}</severity>`,
    `    <certainty>${alert.msgType === 'Cancel' ? 'Observed' : 'Likely'}</certainty>`,
    `    <senderName>${xml(alert.sentByName)}</senderName>`,
    `    <headline>${xml(cutWhole(`GRIP ${alert.grip}: ${incidentTitle}`, 160))}</headline>`,
    `    <description>${xml(alert.message)}</description>`,
    '    <parameter>',
    '      <valueName>GRIP</valueName>',
    `      <value>${alert.grip}</value>`,
    '    </parameter>',
    '    <area>',
    `      <areaDesc>${xml(organisationNames.length > 0 ? organisationNames.join('; ') : 'Veiligheidsregio')}</areaDesc>`,
  );
  if ('area' in alert.target) lines.push(`      <polygon>${capPolygon(alert.target.area.coordinates[0])}</polygon>`);
  lines.push('    </area>', '  </info>', '</alert>', '');
  return lines.join('\n');
}
