import type { Language } from './text';

/** Names of the report, need, alert and message vocabulary (DESIGN.md), per language: what the screens, pages and messages show instead of codes. */
export const VOCAB: Record<Language, Record<string, Record<string, string>>> = {
  nl: {
    impact: { unknown: 'Onbekend', none: 'Geen', minor: 'Gering', major: 'Groot', critical: 'Kritiek' },
    operation: { normal: 'Normaal', limited: 'Beperkt', 'shelter-in-place': 'Binnen blijven', evacuating: 'Evacueert', evacuated: 'Geëvacueerd', closed: 'Gesloten' },
    utility: { ok: 'In orde', degraded: 'Verstoord', out: 'Uitgevallen', backup: 'Noodstroom' },
    utilityName: { power: 'Stroom', water: 'Water', heating: 'Verwarming', telecom: 'Telefonie/data' },
    capacity: { bedsFree: 'Bedden vrij', canReceive: 'Kan opnemen', clientsPresent: 'Cliënten aanwezig', toEvacuate: 'Te evacueren', dependentOnPower: 'Stroomafhankelijk' },
    needKind: { power: 'Stroom', water: 'Water', transport: 'Vervoer', staff: 'Personeel', medication: 'Medicatie', oxygen: 'Zuurstof', beds: 'Bedden', food: 'Voedsel', shelter: 'Opvang', security: 'Beveiliging', other: 'Anders' },
    urgency: { low: 'Laag', high: 'Hoog', immediate: 'Direct' },
    needStatus: { open: 'Open', acknowledged: 'Gezien', 'in-progress': 'In behandeling', met: 'Opgelost', cancelled: 'Ingetrokken' },
    picture: { picture: 'Beeld', assessment: 'Oordeel', decisions: 'Besluiten' },
    channel: { email: 'e-mail', sms: 'sms', push: 'pushmelding', app: 'app' },
    delivery: { queued: 'in wachtrij', sending: 'wordt verstuurd', sent: 'verstuurd', delivered: 'afgeleverd', failed: 'mislukt', cancelled: 'niet meer nodig' },
    answer: { yes: 'getroffen', no: 'niet getroffen', unknown: 'weet nog niet' },
    timeline: {
      'incident-opened': 'Incident geopend',
      'grip-changed': 'GRIP gewijzigd',
      'incident-closed': 'Incident gesloten',
      joined: 'Aangemeld',
      left: 'Afgemeld',
      'alert-sent': 'Alarm verstuurd',
      'alert-delivered': 'Alarm bezorgd',
      'alert-acked': 'Alarm bevestigd',
      'not-hit': 'Niet getroffen',
      'alert-outreach': 'Berichten buiten de app',
      'message-state': 'Bericht',
      'alert-escalated': 'Escalatie',
      'escalation-set': 'Escalatietijd gewijzigd',
      report: 'Melding',
      need: 'Hulpvraag',
      picture: 'Situatiebeeld',
      area: 'Gebied',
      logbook: 'Logboek',
    },
  },
  en: {
    impact: { unknown: 'Unknown', none: 'None', minor: 'Minor', major: 'Major', critical: 'Critical' },
    operation: { normal: 'Normal', limited: 'Limited', 'shelter-in-place': 'Shelter in place', evacuating: 'Evacuating', evacuated: 'Evacuated', closed: 'Closed' },
    utility: { ok: 'OK', degraded: 'Degraded', out: 'Out', backup: 'Backup power' },
    utilityName: { power: 'Power', water: 'Water', heating: 'Heating', telecom: 'Telecom' },
    capacity: { bedsFree: 'Beds free', canReceive: 'Can receive', clientsPresent: 'Clients present', toEvacuate: 'To evacuate', dependentOnPower: 'Power-dependent' },
    needKind: { power: 'Power', water: 'Water', transport: 'Transport', staff: 'Staff', medication: 'Medication', oxygen: 'Oxygen', beds: 'Beds', food: 'Food', shelter: 'Shelter', security: 'Security', other: 'Other' },
    urgency: { low: 'Low', high: 'High', immediate: 'Immediate' },
    needStatus: { open: 'Open', acknowledged: 'Acknowledged', 'in-progress': 'In progress', met: 'Met', cancelled: 'Cancelled' },
    picture: { picture: 'Picture', assessment: 'Assessment', decisions: 'Decisions' },
    channel: { email: 'e-mail', sms: 'SMS', push: 'push notification', app: 'app' },
    delivery: { queued: 'queued', sending: 'sending', sent: 'sent', delivered: 'delivered', failed: 'failed', cancelled: 'no longer needed' },
    answer: { yes: 'hit', no: 'not hit', unknown: "don't know yet" },
    timeline: {
      'incident-opened': 'Incident opened',
      'grip-changed': 'GRIP changed',
      'incident-closed': 'Incident closed',
      joined: 'Joined',
      left: 'Left',
      'alert-sent': 'Alert sent',
      'alert-delivered': 'Alert delivered',
      'alert-acked': 'Alert acknowledged',
      'not-hit': 'Not hit',
      'alert-outreach': 'Messages outside the app',
      'message-state': 'Message',
      'alert-escalated': 'Escalation',
      'escalation-set': 'Escalation time changed',
      report: 'Report',
      need: 'Need',
      picture: 'Situation picture',
      area: 'Area',
      logbook: 'Logbook',
    },
  },
};

/** The name of a vocabulary value in a language; the value itself when it has none. */
export function vocabName(lang: Language, group: string, value: string): string {
  const table = Object.hasOwn(VOCAB[lang], group) ? VOCAB[lang][group] : undefined;
  return table && Object.hasOwn(table, value) ? table[value] : value;
}
