import type { FailedSignIns } from '$shared/domain';
import { LANGUAGES, regionTime, type Language } from '$shared/text';
import { ROLE_NAMES, SECTOR_NAMES, STRINGS, type StringKey } from './strings';
import { VOCAB } from './vocab';

const STORAGE_KEY = 'zorgbeeld.lang';

/** A table's own entry: names from data (`constructor`, `toString`) never reach `Object.prototype`. */
function ownName<T>(table: Record<string, T> | undefined, key: string): T | undefined {
  return table !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The interface language; Dutch unless the user chose English on this device. */
class I18n {
  lang = $state<Language>('nl');
  /** Whether the language was chosen on this device (else the account's choice is taken). */
  chosen = false;

  constructor() {
    if (typeof localStorage !== 'undefined') {
      const saved = localStorage.getItem(STORAGE_KEY);
      if (LANGUAGES.includes(saved as Language)) {
        this.lang = saved as Language;
        this.chosen = true;
      }
    }
  }

  /** The text of a key in the current language. */
  t = (key: StringKey): string => STRINGS[this.lang][key];

  /** The name of a sector. */
  sector = (sector: string): string => ownName(SECTOR_NAMES[this.lang], sector) ?? sector;

  /** The name of a role. */
  role = (role: string): string => ownName(ROLE_NAMES[this.lang], role) ?? role;

  /** The name of a vocabulary value, e.g. `v('impact', 'critical')`; the value itself when it has none. */
  v = (group: string, value: string): string => ownName(ownName(VOCAB[this.lang], group), value) ?? value;

  /** Whether a vocabulary group names a value (recorded data may hold anything). */
  has = (group: string, value: string): boolean => ownName(ownName(VOCAB[this.lang], group), value) !== undefined;

  /** The sentence about failed sign-in attempts since the previous sign-in. */
  failedAttempts = ({ count, lastAt, lastAddress }: FailedSignIns): string => {
    const when = regionTime(lastAt, this.lang, { dateStyle: 'medium', timeStyle: 'short' });
    return this.lang === 'nl'
      ? `Sinds uw vorige aanmelding ${count === 1 ? 'is er 1 mislukte aanmeldpoging' : `zijn er ${count} mislukte aanmeldpogingen`} op uw account geweest, de laatste op ${when} vanaf ${lastAddress}. Was u dat niet? Meld het bij de beheerder.`
      : `Since your previous sign-in there ${count === 1 ? 'was 1 failed sign-in attempt' : `were ${count} failed sign-in attempts`} on your account, the last on ${when} from ${lastAddress}. Was that not you? Tell your administrator.`;
  };

  /** Switches between Dutch and English and remembers the choice. */
  toggle(): void {
    this.lang = this.lang === 'nl' ? 'en' : 'nl';
    this.chosen = true;
    localStorage.setItem(STORAGE_KEY, this.lang);
    document.documentElement.lang = this.lang;
  }
}

/** The one interface-language state. */
export const i18n = new I18n();
