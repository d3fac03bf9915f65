/**
 * The digital introduction every new crisis coordinator and ICO does before being connected to
 * the alerting (docs/architecture.md, "Network"): its chapters, their shipped texts (Markdown,
 * editable by admins), and what progress means. Pure.
 */
import type { AckAnswer } from './alert';
import type { Text } from './text';

/** The chapters, in reading order; the practice follows the last one. */
export const INTRO_CHAPTERS = ['ghor-and-grip', 'alerting', 'answering', 'reporting', 'afterwards'] as const;
export type IntroChapterId = (typeof INTRO_CHAPTERS)[number];

/** One chapter's texts; `body` is Markdown (headings, lists, bold, links). */
export interface IntroChapter {
  id: IntroChapterId;
  title: Text;
  body: Text;
  /** About how long reading takes. */
  minutes: number;
  /** Who changed the text last; absent for the shipped text. */
  updatedBy?: string;
  updatedAt?: string;
}

/** A coordinator's progress through the introduction (id = the registry coordinator's id). */
export interface IntroProgress {
  id: string;
  userId: string;
  startedAt: string;
  chaptersRead: IntroChapterId[];
  /** The practice alert: sent to this coordinator alone, on the training board. */
  practiceAlert: { sentAt: string; answeredAt: string | null; answer: AckAnswer | null } | null;
  /** The practice report: one location of the own organisation, reported on the training board. */
  practiceReport: { at: string; locationId: string; impact: string } | null;
  completedAt: string | null;
}

/** The next step of a coordinator's introduction. */
export type IntroStep = { kind: 'chapter'; chapter: IntroChapterId } | { kind: 'practice-alert' } | { kind: 'practice-report' } | { kind: 'complete' } | { kind: 'done' };

/** What comes next: unread chapters in order, then the practice alert, the practice report, completion. */
export function nextIntroStep(progress: Pick<IntroProgress, 'chaptersRead' | 'practiceAlert' | 'practiceReport' | 'completedAt'> | null): IntroStep {
  if (progress?.completedAt) return { kind: 'done' };
  const unread = INTRO_CHAPTERS.find((c) => !progress?.chaptersRead.includes(c));
  if (unread) return { kind: 'chapter', chapter: unread };
  if (!progress?.practiceAlert?.answeredAt) return { kind: 'practice-alert' };
  if (!progress.practiceReport) return { kind: 'practice-report' };
  return { kind: 'complete' };
}

/** The minutes the whole introduction takes, practice included. */
export function introMinutes(chapters: readonly Pick<IntroChapter, 'minutes'>[]): number {
  return chapters.reduce((sum, c) => sum + c.minutes, 0) + PRACTICE_MINUTES;
}

/** The practice alert and report take about this long. */
export const PRACTICE_MINUTES = 4;

/** The training board's title: it is not an incident and nobody else is alerted. */
export const TRAINING_TITLE: Text = { nl: 'Oefenbord introductie', en: 'Introduction training board' };

/** The practice alert's message. */
export const PRACTICE_MESSAGE: Text = {
  nl: 'OEFENING. Dit is het oefenalarm van uw introductie. Stel dat er een grote stroomstoring is in uw gemeente. Bent u getroffen? Kies een antwoord zoals u dat in een echte crisis zou doen.',
  en: 'EXERCISE. This is the practice alert of your introduction. Suppose there is a major power cut in your municipality. Are you hit? Choose an answer as you would in a real crisis.',
};

/** The texts shipped with Zorgbeeld; an admin's edited text takes their place. */
export const DEFAULT_CHAPTERS: readonly IntroChapter[] = [
  {
    id: 'ghor-and-grip',
    minutes: 3,
    title: { nl: 'Wat de GHOR doet, en wanneer GRIP geldt', en: 'What the GHOR does, and when GRIP applies' },
    body: {
      nl: `De **GHOR** (Geneeskundige Hulpverleningsorganisatie in de Regio) zorgt dat de zorg in de regio tijdens een ramp of crisis blijft werken. Zij brengt de zorgorganisaties bij elkaar, houdt het totaalbeeld bij en adviseert de crisisorganisatie van de veiligheidsregio.

## GRIP
De veiligheidsregio schaalt op met de **Gecoördineerde Regionale Incidentbestrijdings Procedure** (GRIP):

- **GRIP 1**: een incident ter plaatse; de hulpdiensten werken samen op de plek zelf.
- **GRIP 2**: het incident raakt de omgeving; vanaf nu alarmeert de GHOR de zorgorganisaties die het kan raken.
- **GRIP 3 en 4**: een of meer gemeenten zijn getroffen; de burgemeester of de voorzitter van de veiligheidsregio leidt.

## Uw rol
U bent het aanspreekpunt van uw organisatie. De GHOR rekent erop dat u bereikbaar bent, snel antwoordt en de toestand van uw locaties meldt. Zorg dat uw telefoonnummer en e-mailadres in Zorgbeeld kloppen (**Mijn gegevens**).`,
      en: `The **GHOR** (the region's medical emergency organisation) keeps care in the region working during a disaster or crisis. It brings the care organisations together, keeps the overall picture and advises the safety region's crisis organisation.

## GRIP
The safety region scales up with the **coordinated regional incident procedure** (GRIP):

- **GRIP 1**: an incident on site; the emergency services work together at the scene.
- **GRIP 2**: the incident affects the surroundings; from now on the GHOR alerts the care organisations it may affect.
- **GRIP 3 and 4**: one or more municipalities are hit; the mayor or the chair of the safety region leads.

## Your role
You are your organisation's point of contact. The GHOR counts on you to be reachable, to answer quickly and to report the state of your locations. Make sure your phone number and e-mail address in Zorgbeeld are right (**My details**).`,
    },
  },
  {
    id: 'alerting',
    minutes: 3,
    title: { nl: 'Hoe de alarmering werkt vanaf GRIP 2', en: 'How alerting works from GRIP 2' },
    body: {
      nl: `Vanaf GRIP 2 stuurt de GHOR een **alarm** naar de organisaties in het getroffen gebied, of naar een hele sector. Het alarm bereikt u op alle manieren tegelijk:

- in Zorgbeeld zelf, als de pagina open is (met geluid);
- als melding op uw telefoon, als u meldingen op dit apparaat aanzet;
- per **sms** en **e-mail**, met een link waarmee u zonder inloggen antwoordt.

## Als u niet antwoordt
Antwoordt niemand van uw organisatie binnen een paar minuten, dan gaat er een **herinnering** en belt de GHOR u. Eén antwoord van één coördinator is genoeg voor de hele organisatie.

## Een oefening
Een oefenalarm is altijd herkenbaar aan het woord **OEFENING**. Antwoord er net zo op als op een echt alarm.`,
      en: `From GRIP 2 the GHOR sends an **alert** to the organisations in the affected area, or to a whole sector. The alert reaches you in every way at once:

- in Zorgbeeld itself, when the page is open (with a sound);
- as a notification on your phone, when you turn on notifications on this device;
- by **SMS** and **e-mail**, with a link that lets you answer without signing in.

## If you do not answer
If nobody of your organisation answers within a few minutes, a **reminder** goes out and the GHOR calls you. One answer by one coordinator is enough for the whole organisation.

## An exercise
A practice alert always says **EXERCISE**. Answer it just like a real alert.`,
    },
  },
  {
    id: 'answering',
    minutes: 2,
    title: { nl: 'Een alarm beantwoorden', en: 'Answering an alert' },
    body: {
      nl: `Een alarm stelt één vraag: **is uw organisatie getroffen?** Er zijn drie antwoorden, elk één tik:

1. **Ja, getroffen**: u gaat direct naar uw locaties om te melden wat er aan de hand is.
2. **Nee, niet getroffen**: de GHOR weet dat het bij u goed gaat; u hoeft verder niets te doen.
3. **Weet ik nog niet**: de GHOR weet dat u het alarm hebt; meld zodra u het weet.

Ook "nee, niet getroffen" is een belangrijk antwoord: de GHOR hoeft u dan niet te bellen en kan zich richten op wie hulp nodig heeft.`,
      en: `An alert asks one question: **is your organisation hit?** There are three answers, each one tap:

1. **Yes, hit**: you go straight to your locations to report what is going on.
2. **No, not hit**: the GHOR knows you are fine; you need not do anything else.
3. **Don't know yet**: the GHOR knows you have the alert; report as soon as you know.

"No, not hit" is an important answer too: the GHOR need not call you and can turn to those who need help.`,
    },
  },
  {
    id: 'reporting',
    minutes: 3,
    title: { nl: 'Impact, capaciteit en behoeften melden', en: 'Reporting impact, capacity and needs' },
    body: {
      nl: `Op het **bord** van het incident staan uw locaties op de kaart en in een lijst. Per locatie meldt u:

- **impact**: geen, gering, groot of kritiek;
- **bedrijfsvoering**: normaal, beperkt, binnen blijven, evacueert, geëvacueerd of gesloten;
- **voorzieningen**: stroom, water, verwarming, telefonie en data;
- **capaciteit**: bedden vrij, hoeveel cliënten u kunt opnemen, cliënten aanwezig, te evacueren, stroomafhankelijk;
- **behoeften**: wat u nodig hebt (stroom, vervoer, personeel, medicatie …) en hoe dringend.

Wat u invult is meteen bij de GHOR, ook als uw verbinding slecht is: Zorgbeeld bewaart het en stuurt het door zodra het kan. Een vinkje met de tijd laat zien dat het is aangekomen. Meld opnieuw als er iets verandert.`,
      en: `The incident's **board** shows your locations on the map and in a list. For each location you report:

- **impact**: none, minor, major or critical;
- **operations**: normal, limited, shelter in place, evacuating, evacuated or closed;
- **utilities**: power, water, heating, telecom;
- **capacity**: beds free, how many clients you can receive, clients present, to evacuate, power-dependent;
- **needs**: what you need (power, transport, staff, medication …) and how urgently.

What you enter reaches the GHOR at once, even on a bad connection: Zorgbeeld keeps it and sends it as soon as it can. A tick with the time shows it arrived. Report again when something changes.`,
    },
  },
  {
    id: 'afterwards',
    minutes: 2,
    title: { nl: 'Na het incident', en: 'After the incident' },
    body: {
      nl: `Als de GHOR het incident afsluit, wordt het bord alleen-lezen. Alles wat er gebeurde is vastgelegd: wie wat wanneer meldde.

- De GHOR **evalueert** het incident met die vastlegging en kan elk moment terugkijken.
- U krijgt de vraag mee te denken in de evaluatie van uw organisatie.
- Tussen crises houdt de GHOR contact met partnergesprekken, informatiesessies en themabijeenkomsten.

Na deze hoofdstukken oefent u één keer: een **oefenalarm** en een **oefenmelding** op een oefenbord. Daarna bent u aangesloten op de alarmering.`,
      en: `When the GHOR closes the incident, the board becomes read-only. Everything that happened is recorded: who reported what and when.

- The GHOR **reviews** the incident with that record and can look back at any moment.
- You are asked to take part in your organisation's review.
- Between crises the GHOR keeps in touch through partner talks, information sessions and theme meetings.

After these chapters you practise once: a **practice alert** and a **practice report** on a training board. Then you are connected to the alerting.`,
    },
  },
];
