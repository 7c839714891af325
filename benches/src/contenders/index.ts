import type { Contender } from '../contender.js';
import { drachtioSipEager, drachtioSipLazy } from './drachtio-sip.js';
import { floor } from './floor.js';
import { jssip } from './jssip.js';
import { ours } from './ours.js';
import { sipJs } from './sip-js.js';
import { sipPackage } from './sip.js';

/** Every contender, in the order of the table: the floor, ours, then the peers. */
export const CONTENDERS: readonly Contender[] = [
  floor,
  ours,
  drachtioSipLazy,
  drachtioSipEager,
  sipPackage,
  jssip,
  sipJs,
];
