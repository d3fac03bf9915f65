import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const root = process.argv[3];
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const counts = new Map();
for (const s of p.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
const inclOf = (n) => (counts.get(n.id) ?? 0) + (n.children ?? []).reduce((a, c) => a + inclOf(byId.get(c)), 0);
const name = (n) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-1)}:${n.callFrame.lineNumber}`;
// merge all nodes named root
const agg = new Map();
const walk = (n, depth, prefix) => {
  const key = prefix + ' > ' + name(n);
  agg.set(key, (agg.get(key) ?? 0) + inclOf(n));
  if (depth < 3) for (const c of n.children ?? []) walk(byId.get(c), depth + 1, key);
};
for (const n of p.nodes) if (name(n).startsWith(root)) walk(n, 0, '');
let total = 0; for (const [k, v] of agg) if (k.split(' > ').length === 2) total += v;
for (const [k, v] of [...agg].sort((a, b) => a[0] < b[0] ? -1 : 1)) if (v / total > 0.02) console.log((100 * v / total).toFixed(0).padStart(4), k.split(' > ').slice(1).map((x, i, a) => i === a.length - 1 ? x : '  ').join(''));
