import { appendFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistration, type Registration } from '@sipbreakout/routing';
import { ManualClock } from '@sipbreakout/sip-core/clock';
import { JOURNAL_MAGIC, MemoryRegistrationStore, decodeJournal, encodeRecord, readJournal } from '../src/index.js';

function registration(phoneNumber: string, expiresAt: number): Registration {
  const created = createRegistration({
    phoneNumber,
    routeType: 'LOOP',
    sipUri: 'sips:tas.example.com:5061',
    owner: 'o',
    expiresAt,
  });
  if (!created.ok) throw new Error(created.error.detail);
  return created.registration;
}

describe('journal', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'registrar-journal-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('a record decodes back to itself', () => {
    const put = { op: 'put', registration: registration('+4790000001', 1_000) } as const;
    const remove = { op: 'delete', phoneNumber: '+4790000001', routeType: 'LOOP' } as const;
    const bytes = Buffer.concat([JOURNAL_MAGIC, encodeRecord(put), encodeRecord(remove)]);
    expect(decodeJournal(bytes)).toEqual({ records: [put, remove], validBytes: bytes.length, tornBytes: 0 });
  });

  it('a torn last record (cut anywhere) is detected by its length and dropped', () => {
    const first = encodeRecord({ op: 'put', registration: registration('+4790000001', 1_000) });
    const second = encodeRecord({ op: 'put', registration: registration('+4790000002', 1_000) });
    const whole = Buffer.concat([JOURNAL_MAGIC, first, second]);
    for (let cut = JOURNAL_MAGIC.length + first.length; cut < whole.length; cut++) {
      const result = decodeJournal(whole.subarray(0, cut));
      expect(result.records).toHaveLength(1);
      expect(result.tornBytes).toBe(cut - JOURNAL_MAGIC.length - first.length);
    }
  });

  it('a last record whose bytes did not all reach the disk fails its checksum and is dropped', () => {
    const first = encodeRecord({ op: 'put', registration: registration('+4790000001', 1_000) });
    const second = encodeRecord({ op: 'put', registration: registration('+4790000002', 1_000) });
    second[second.length - 3] = 0; // a page that was never written reads as zeros
    const result = decodeJournal(Buffer.concat([JOURNAL_MAGIC, first, second]));
    expect(result.records).toHaveLength(1);
    expect(result.tornBytes).toBe(second.length);
  });

  it('a file that is not a journal is refused, not replayed', () => {
    expect(() => decodeJournal(Buffer.from('hello world'))).toThrow(/bad magic/);
  });

  it('on start the journal is replayed, expired registrations dropped, and compacted', async () => {
    const path = join(directory, 'journal');
    const clock = new ManualClock();
    const first = await MemoryRegistrationStore.open({ clock, journalPath: path, ttlSeconds: 60 });
    for (let i = 0; i < 10; i++) {
      await first.store.upsert({
        phoneNumber: `+47900000${10 + i}`,
        routeType: 'LOOP',
        sipUri: 'sips:tas.example.com',
        owner: 'o',
      });
      await first.store.upsert({
        phoneNumber: `+47900000${10 + i}`,
        routeType: 'LOOP',
        sipUri: 'sips:tas.example.com',
        owner: 'o',
      });
    }
    await first.store.delete({
      phoneNumber: '+4790000010',
      routeType: 'LOOP',
      sipUri: 'sips:tas.example.com',
      owner: 'o',
    });
    clock.advance(30_000);
    await first.store.upsert({
      phoneNumber: '+4790000099',
      routeType: 'FORK',
      sipUri: 'sips:tas.example.com',
      owner: 'o',
    });
    await first.store.close();
    expect((await readJournal(path)).records).toHaveLength(22);

    clock.advance(45_000); // the first ten are expired now, +4790000099 is not
    const second = await MemoryRegistrationStore.open({ clock, journalPath: path, ttlSeconds: 60 });
    expect(second.replay).toEqual({ records: 22, restored: 1, expired: 9, tornBytes: 0 });
    expect((await second.store.lookup('+4790000099')).map((r) => r.routeType)).toEqual(['FORK']);
    expect(await second.store.lookup('+4790000011')).toEqual([]);
    await second.store.close();
    const compacted = await readJournal(path);
    expect(compacted.records).toHaveLength(1);
  });

  it('a replacement survives a restart: the new SIP URI, prefixes and expiry, not the old', async () => {
    const path = join(directory, 'journal');
    const clock = new ManualClock();
    const first = await MemoryRegistrationStore.open({ clock, journalPath: path, ttlSeconds: 60 });
    const number = { phoneNumber: '+4790000001', routeType: 'LOOP', owner: 'o' } as const;
    await first.store.upsert({ ...number, sipUri: 'sips:tas-a.example.com', mobileOriginatingPrefix: '11' });
    clock.advance(30_000);
    const replaced = await first.store.upsert({ ...number, sipUri: 'sips:tas-b.example.com:5071' });
    expect(replaced.kind).toBe('replaced');
    await first.store.close();

    clock.advance(45_000); // past the first upsert's expiry, before the replacement's
    const second = await MemoryRegistrationStore.open({ clock, journalPath: path, ttlSeconds: 60 });
    expect(second.replay).toMatchObject({ records: 2, restored: 1 });
    expect(await second.store.lookup('+4790000001')).toEqual([replaced.registration]);
    expect(replaced.registration).toMatchObject({ sipUri: 'sips:tas-b.example.com:5071', mobileOriginatingPrefix: '' });
    await second.store.close();
  });

  it('a torn tail left by a crash is dropped on start and compacted away', async () => {
    const path = join(directory, 'journal');
    const clock = new ManualClock();
    const first = await MemoryRegistrationStore.open({ clock, journalPath: path });
    await first.store.upsert({
      phoneNumber: '+4790000001',
      routeType: 'LOOP',
      sipUri: 'sips:tas.example.com',
      owner: 'o',
    });
    await first.store.close();
    const half = encodeRecord({ op: 'put', registration: registration('+4790000002', clock.wallNow() + 1e6) });
    await appendFile(path, half.subarray(0, 20));
    const second = await MemoryRegistrationStore.open({ clock, journalPath: path });
    expect(second.replay.tornBytes).toBe(20);
    expect(second.replay.restored).toBe(1);
    expect(await second.store.lookup('+4790000002')).toEqual([]);
    await second.store.close();
    expect((await readJournal(path)).tornBytes).toBe(0);
  });

  it('concurrent writes share fsyncs (group commit) and all of them are durable', async () => {
    const path = join(directory, 'journal');
    const { store } = await MemoryRegistrationStore.open({ journalPath: path });
    await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        store.upsert({
          phoneNumber: `+4792${String(i).padStart(7, '0')}`,
          routeType: 'LOOP',
          sipUri: 'sips:tas.example.com',
          owner: 'o',
        }),
      ),
    );
    const read = await readJournal(path);
    expect(read.records).toHaveLength(500);
    await store.close();
  });

  it('compact() rewrites the journal as a snapshot while writes continue', async () => {
    const path = join(directory, 'journal');
    const { store } = await MemoryRegistrationStore.open({ journalPath: path });
    const upsert = (i: number) =>
      store.upsert({
        phoneNumber: `+4793${String(i).padStart(7, '0')}`,
        routeType: 'LOOP',
        sipUri: 'sips:tas.example.com',
        owner: 'o',
      });
    for (let i = 0; i < 50; i++) await upsert(i % 10);
    await Promise.all([store.compact(), upsert(100), upsert(101)]);
    await store.close();
    const reopened = await MemoryRegistrationStore.open({ journalPath: path });
    expect(reopened.replay.restored).toBe(12);
    expect(reopened.replay.records).toBeLessThanOrEqual(14);
    await reopened.store.close();
  });

  it('an empty or missing journal starts an empty store', async () => {
    const path = join(directory, 'journal');
    await writeFile(path, '');
    const { store, replay } = await MemoryRegistrationStore.open({ journalPath: path });
    expect(replay).toEqual({ records: 0, restored: 0, expired: 0, tornBytes: 0 });
    await store.close();
    expect((await readFile(path)).subarray(0, JOURNAL_MAGIC.length)).toEqual(JOURNAL_MAGIC);
    await truncate(path, 0);
  });
});
