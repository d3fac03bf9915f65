import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
const session = new Session();
session.connect();
session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start')));
const stop = () => session.post('Profiler.stop', (err, { profile }) => { writeFileSync(`/tmp/prof/server-${process.pid}.cpuprofile`, JSON.stringify(profile)); process.exit(0); });
process.on('SIGTERM', stop);
