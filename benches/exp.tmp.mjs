import { loadCorpus } from './dist/corpus.js';
import { measure } from './dist/harness.js';
import { drachtioSipEager, drachtioSipLazy } from './dist/contenders/drachtio-sip.js';
const corpus = loadCorpus('corpus');
const opts = { warmupMs: 500, minWarmupRounds: 3, batchTargetMs: 50, minBatches: 5, maxBatches: 21, maxCaseMs: 2000 };
const idx = corpus.map((_, i) => i);
for (const c of [drachtioSipEager]) {
  const l = c.load(corpus);
  let p = 0, r = 0; idx.forEach(i => { p = (p + l.parseOnly(i)) | 0; r = (r + l.parseAndRead(i)) | 0; });
  for (let k = 0; k < 3; k++) {
    const order = process.argv[2] === 'rev' ? ['read','parse'] : ['parse','read'];
    for (const m of order) {
      const res = m === 'parse' ? measure(l.parseOnly, idx, p, opts) : measure(l.parseAndRead, idx, r, opts);
      console.log(c.id, m, Math.round(res.nsPerMessage), res.batchNsPerMessage.map(Math.round).join(' '));
    }
  }
}
