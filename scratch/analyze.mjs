import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map();
const counts = new Map();
for (const s of p.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
const total = p.samples.length;
const incl = new Map();
for (const [id, c] of counts) {
  const n = byId.get(id);
  const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`;
  self.set(key, (self.get(key) ?? 0) + c);
  const seen = new Set();
  let cur = id;
  while (cur !== undefined) {
    const m = byId.get(cur);
    const k = `${m.callFrame.functionName || '(anon)'} ${m.callFrame.url.split('/').slice(-2).join('/')}:${m.callFrame.lineNumber}`;
    if (!seen.has(k)) { incl.set(k, (incl.get(k) ?? 0) + c); seen.add(k); }
    cur = parent.get(cur);
  }
}
const idle = [...self].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
console.log('samples', total, 'idle', idle);
console.log('--- self');
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((100 * v / (total - idle)).toFixed(1).padStart(5), k);
console.log('--- inclusive');
for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log((100 * v / (total - idle)).toFixed(1).padStart(5), k);
console.log('--- ours and yjs');
for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).filter(([k]) => /incident-room|gate|yjs\.|ws-frame|y-frames|encoding|decoding|yjs-endpoint|incident-log|write-budget|log-growth|Transaction|transact|applyUpdate|encode|StateVector/.test(k)).slice(0, 50)) console.log((100 * v / (total - idle)).toFixed(1).padStart(5), k);
