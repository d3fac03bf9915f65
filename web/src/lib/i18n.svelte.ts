import { LANGUAGES, type Language } from '$shared/text';
import { ROLE_NAMES, SECTOR_NAMES, STRINGS, type StringKey } from './strings';
import { VOCAB } from './vocab';

const STORAGE_KEY = 'zorgbeeld.lang';

/** The interface language; Dutch unless the user chose English on this device. */
class I18n {
  lang = $state<Language>('nl');

  constructor() {
    if (typeof localStorage !== 'undefined') {
      const saved = localStorage.getItem(STORAGE_KEY);
      if (LANGUAGES.includes(saved as Language)) this.lang = saved as Language;
    }
  }

  /** The text of a key in the current language. */
  t = (key: StringKey): string => STRINGS[this.lang][key];

  /** The name of a sector. */
  sector = (sector: string): string => SECTOR_NAMES[this.lang][sector] ?? sector;

  /** The name of a role. */
  role = (role: string): string => ROLE_NAMES[this.lang][role] ?? role;

  /** The name of a vocabulary value, e.g. `v('impact', 'critical')`. */
  v = (group: string, value: string): string => VOCAB[this.lang][group]?.[value] ?? value;

  /** Switches between Dutch and English and remembers the choice. */
  toggle(): void {
    this.lang = this.lang === 'nl' ? 'en' : 'nl';
    localStorage.setItem(STORAGE_KEY, this.lang);
    document.documentElement.lang = this.lang;
  }
}

/** The one interface-language state. */
export const i18n = new I18n();
