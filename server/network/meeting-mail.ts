import { escapeMarkup } from '../../shared/markup';
import type { Meeting } from '../../shared/network';
import type { NetworkMail } from './mailer';

const KIND_NAMES = new Map([
  ['information-session', 'informatiesessie'],
  ['theme-meeting', 'themabijeenkomst'],
]);

/** The invitation mail of a meeting, in Dutch: the network's working language. */
export function meetingMail(meeting: Meeting, coordinatorName: string, organisationName: string): Omit<NetworkMail, 'to'> {
  const day = new Date(`${meeting.date}T12:00:00Z`).toLocaleDateString('nl-NL', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const kind = KIND_NAMES.get(meeting.kind) ?? 'bijeenkomst';
  const lines = [
    `Beste ${coordinatorName},`,
    '',
    `De GHOR nodigt u als coördinator van ${organisationName} uit voor de ${kind} "${meeting.title}".`,
    '',
    `Wanneer: ${day}`,
    ...(meeting.place ? [`Waar: ${meeting.place}`] : []),
    ...(meeting.theme ? [`Thema: ${meeting.theme}`] : []),
    '',
    'Kunt u niet komen? Laat het de GHOR weten, dan houden wij een plaats vrij voor een ander.',
    '',
    'Dit bericht is verstuurd door Zorgbeeld namens de GHOR.',
  ];
  return {
    subject: `Uitnodiging ${kind}: ${meeting.title} (${day})`,
    text: lines.join('\n'),
    html: `<!doctype html><html lang="nl"><body style="font-family:system-ui,sans-serif;font-size:16px">${lines.filter(Boolean).map((l) => `<p>${escapeMarkup(l)}</p>`).join('')}</body></html>`,
  };
}
