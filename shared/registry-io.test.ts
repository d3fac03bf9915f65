import { describe, expect, it } from 'vitest';
import { rowProblems } from './registry-io';
import { text } from './text';

describe('rowProblems', () => {
  const reason = text('klopt niet', 'is wrong');

  it('repeats the cell a field path points into, as the file has it', () => {
    const values = { name: '', capacity: '-4', lat: 48.85, channels: 'email duif' };
    expect(rowProblems(7, values, [
      { path: 'capacity', text: reason },
      { path: 'name', text: reason },
      { path: 'lat', text: reason },
      { path: 'channels.1', text: reason },
      { path: '', text: reason },
    ])).toEqual([
      { line: 7, path: 'capacity', value: '-4', text: reason },
      { line: 7, path: 'name', value: '', text: reason },
      { line: 7, path: 'lat', value: '48.85', text: reason },
      { line: 7, path: 'channels.1', value: 'email duif', text: reason },
      { line: 7, path: '', text: reason },
    ]);
  });

  it('shortens a long cell and names a missing one as empty', () => {
    const [long, missing] = rowProblems(2, { address: 'x'.repeat(500) }, [{ path: 'address', text: reason }, { path: 'postcode', text: reason }]);
    expect(long.value).toHaveLength(60);
    expect(long.value!.endsWith('…')).toBe(true);
    expect(missing.value).toBe('');
  });
});
