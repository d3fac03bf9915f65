import { text, type Text } from './text';

/** One data row of a CSV file, with the line it starts on (the header is line 1). */
export interface CsvRow {
  line: number;
  values: Record<string, string>;
  /** Cells beyond the header's columns, joined; the row is then refused. */
  extra?: string;
}

/** A parsed CSV file, or why it could not be read at all. */
export type CsvParse = { ok: true; header: string[]; rows: CsvRow[] } | { ok: false; line: number; text: Text };

/** Cells that a spreadsheet would run as a formula start with one of these. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Decodes uploaded bytes as UTF-8 (with or without BOM); null when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    const decoded = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return decoded.startsWith('\uFEFF') ? decoded.slice(1) : decoded;
  } catch {
    return null;
  }
}

/** Picks `;` (Dutch spreadsheets) or `,` as the delimiter, by which occurs in the header outside quotes. */
function detectDelimiter(source: string): string {
  const firstLine = source.slice(0, source.search(/\r?\n|$/));
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  return (unquoted.match(/;/g)?.length ?? 0) > (unquoted.match(/,/g)?.length ?? 0) ? ';' : ',';
}

/** Characters parsed between two pauses of {@link parseCsvSteps}. */
const CHARACTERS_PER_STEP = 256 * 1024;

/** Parses RFC 4180 CSV (`,` or `;`) with a header row; undoes the formula guard of {@link toCsv}. */
export function parseCsv(source: string): CsvParse {
  return runSteps(parseCsvSteps(source));
}

/** Runs a stepwise computation to its end at once. */
export function runSteps<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs a stepwise computation, pausing between its steps so that other work can run (an event loop kept free). */
export async function runStepsPausing<T>(steps: Generator<void, T>, pause: () => Promise<void>): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
}

/** {@link parseCsv} in steps: it yields after every quarter million characters. */
export function* parseCsvSteps(source: string): Generator<void, CsvParse> {
  const delimiter = detectDelimiter(source);
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const endCell = () => {
    cells.push(unguard(cell));
    cell = '';
  };
  for (let i = 0; i < source.length; i++) {
    if (i % CHARACTERS_PER_STEP === 0 && i > 0) yield;
    const c = source[i];
    if (quoted) {
      if (c === '"') {
        if (source[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') {
      quoted = true;
    } else if (c === delimiter) {
      endCell();
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && source[i + 1] === '\n') i++;
      endCell();
      records.push({ line: recordLine, cells });
      cells = [];
      line++;
      recordLine = line;
    } else {
      cell += c;
    }
  }
  if (quoted) return { ok: false, line: recordLine, text: text('aanhalingsteken wordt niet gesloten', 'a quote is never closed') };
  if (cell !== '' || cells.length > 0) {
    endCell();
    records.push({ line: recordLine, cells });
  }
  const nonEmpty = records.filter((r) => !(r.cells.length === 1 && r.cells[0].trim() === ''));
  if (nonEmpty.length === 0) return { ok: false, line: 1, text: text('het bestand is leeg', 'the file is empty') };
  const header = nonEmpty[0].cells.map((h) => h.trim());
  const rows: CsvRow[] = [];
  for (const [n, record] of nonEmpty.slice(1).entries()) {
    if (n % 5000 === 0 && n > 0) yield;
    // No prototype: a column named `__proto__` or `constructor` is a column like any other.
    const values = Object.create(null) as Record<string, string>;
    header.forEach((name, index) => {
      values[name] = record.cells[index] ?? '';
    });
    rows.push(record.cells.length > header.length ? { line: record.line, values, extra: record.cells.slice(header.length).join(delimiter) } : { line: record.line, values });
  }
  return { ok: true, header, rows };
}

/** A quoted cell that starts with `'` (or, for a phone number, a tab) before a formula character came from our own guard. */
function unguard(cell: string): string {
  return (cell.startsWith("'") || cell.startsWith('\u2060')) && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

/** A phone number in international form: `+31 6 1234 5678`, `+31 (0)43 …`. */
const PHONE = /^\+[\d ()-]{6,}$/;

/**
 * Quotes one cell and defuses formulas: a leading = + - @ gets a `'` so spreadsheets show it as
 * text. A phone number gets an invisible WORD JOINER (U+2060) instead: it reads and dials as written.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && FORMULA_START.test(s)) s = PHONE.test(s) ? `\u2060${s}` : `'${s}`;
  return /[",;\r\n']/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Writes rows as CSV with a header, CRLF line ends as RFC 4180 asks. `excel`: the form Excel with
 * Dutch settings opens as columns — `;` between cells and a byte-order mark for UTF-8 (ë, é).
 */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[], { excel = false }: { excel?: boolean } = {}): string {
  const separator = excel ? ';' : ',';
  const lines = [columns.join(separator)];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(separator));
  return (excel ? '\uFEFF' : '') + lines.join('\r\n') + '\r\n';
}
