import { coldLoad } from './cold-load';
for (let i = 0; i < 3; i++) { const r = await coldLoad({ updates: 100000, seeks: 5 }); console.log('new', Math.round(r.loadMs)); }
