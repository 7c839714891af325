import { open, rename, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { isRouteType, type Registration, type RouteType } from '@sipbreakout/routing';
import { RegistrarError } from './registrar-error.js';
import { registrationFromStored, storedFields } from './stored-registration.js';

/** One journal record: a registration written, or one removed. */
export type JournalRecord =
  | { readonly op: 'put'; readonly registration: Registration }
  | { readonly op: 'delete'; readonly phoneNumber: string; readonly routeType: RouteType };

/** First bytes of a journal file: a name and a format version. */
export const JOURNAL_MAGIC = Buffer.from('SBREGJ01', 'latin1');

// A frame is [u32 LE payload length][u32 LE CRC-32 of the payload][payload].
const FRAME_HEADER = 8;
// A record is a few hundred bytes; anything larger is a damaged length field.
const MAX_RECORD_BYTES = 64 * 1024;

/** Encodes a record as one checksummed frame. */
export function encodeRecord(record: JournalRecord): Buffer {
  const fields =
    record.op === 'put'
      ? ['p', record.registration.phoneNumber, record.registration.routeType, ...storedFields(record.registration)]
      : ['d', record.phoneNumber, record.routeType];
  const payload = Buffer.from(JSON.stringify(fields), 'utf8');
  const frame = Buffer.allocUnsafe(FRAME_HEADER + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(crc32(payload), 4);
  payload.copy(frame, FRAME_HEADER);
  return frame;
}

/** What reading a journal found. */
export interface JournalReadResult {
  /** Every whole, checksummed record, in order. */
  readonly records: JournalRecord[];
  /** Bytes of valid journal (the magic and whole frames). */
  readonly validBytes: number;
  /**
   * Bytes after the last whole frame: a record torn by a crash in the middle
   * of a write (short, or failing its checksum), dropped.
   */
  readonly tornBytes: number;
}

/**
 * Decodes a journal's bytes. Stops at the first frame that is short, too
 * long, fails its checksum or does not decode: an append-only file written
 * with fsync can only be damaged at its tail, so that frame and anything
 * after it are a write that never returned.
 */
export function decodeJournal(bytes: Uint8Array): JournalReadResult {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: JournalRecord[] = [];
  if (buffer.length === 0) return { records, validBytes: 0, tornBytes: 0 };
  if (buffer.length < JOURNAL_MAGIC.length || !buffer.subarray(0, JOURNAL_MAGIC.length).equals(JOURNAL_MAGIC)) {
    throw new RegistrarError('REG_ERR_NOT_A_JOURNAL', 'not a registrar journal (bad magic)');
  }
  let at = JOURNAL_MAGIC.length;
  while (at + FRAME_HEADER <= buffer.length) {
    const length = buffer.readUInt32LE(at);
    const checksum = buffer.readUInt32LE(at + 4);
    if (length > MAX_RECORD_BYTES || at + FRAME_HEADER + length > buffer.length) break;
    const payload = buffer.subarray(at + FRAME_HEADER, at + FRAME_HEADER + length);
    if (crc32(payload) !== checksum) break;
    const record = decodePayload(payload);
    if (record === undefined) break;
    records.push(record);
    at += FRAME_HEADER + length;
  }
  return { records, validBytes: at, tornBytes: buffer.length - at };
}

function decodePayload(payload: Buffer): JournalRecord | undefined {
  let fields: unknown;
  try {
    fields = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(fields)) return undefined;
  const [op, phoneNumber, routeType] = fields as unknown[];
  if (typeof phoneNumber !== 'string' || typeof routeType !== 'string' || !isRouteType(routeType)) return undefined;
  if (op === 'd' && fields.length === 3) return { op: 'delete', phoneNumber, routeType };
  if (op !== 'p') return undefined;
  const registration = registrationFromStored(phoneNumber, routeType, fields.slice(3));
  return registration === undefined ? undefined : { op: 'put', registration };
}

/** Reads a journal file; a missing file is an empty journal. */
export async function readJournal(path: string): Promise<JournalReadResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], validBytes: 0, tornBytes: 0 };
    throw error;
  }
  return decodeJournal(bytes);
}

/**
 * Replaces the journal at `path` with one holding `registrations` alone:
 * written to a temporary file, fsynced, renamed over the old one, and the
 * directory fsynced, so a crash leaves either the old journal or the new one.
 */
export async function writeSnapshot(path: string, registrations: Iterable<Registration>): Promise<void> {
  const temporary = `${path}.compact`;
  const handle = await open(temporary, 'w');
  try {
    const chunks: Buffer[] = [JOURNAL_MAGIC];
    let size = JOURNAL_MAGIC.length;
    for (const registration of registrations) {
      const frame = encodeRecord({ op: 'put', registration });
      chunks.push(frame);
      size += frame.length;
      if (size >= 1 << 20) {
        await writeAll(handle, Buffer.concat(chunks));
        chunks.length = 0;
        size = 0;
      }
    }
    if (chunks.length > 0) await writeAll(handle, Buffer.concat(chunks));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  await syncDirectory(dirname(path));
}

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeAll(handle: FileHandle, buffer: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset);
    offset += bytesWritten;
  }
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Appends records to a journal with group commit: a write is acknowledged
 * (its promise resolves) only after the `fdatasync` that covers it. While one
 * write+fdatasync is in flight, every record appended meanwhile waits in one
 * batch; when the flush ends, that whole batch goes out in one `write` and
 * one `fdatasync`. Under load a batch holds as many records as arrived during
 * one fsync, so throughput follows the disk's fsync rate times the batch
 * size, and a lone write still waits for only one fsync.
 *
 * After a failed write or fsync the journal refuses everything: what reached
 * the disk is unknown (fsync failures are not retryable), so the store must
 * be reopened and the journal replayed.
 */
export class JournalWriter {
  readonly #handle: FileHandle;
  #batch: Buffer[] = [];
  #waiters: Waiter[] = [];
  #flushing: Promise<void> | undefined;
  #failure: unknown;
  #appended = 0;

  private constructor(handle: FileHandle) {
    this.#handle = handle;
  }

  /** Opens `path` for appending (creating it with the magic when empty). */
  static async open(path: string): Promise<JournalWriter> {
    const handle = await open(path, 'a');
    const { size } = await handle.stat();
    if (size === 0) {
      await writeAll(handle, JOURNAL_MAGIC);
      await handle.sync();
      await syncDirectory(dirname(path));
    }
    return new JournalWriter(handle);
  }

  /** Records appended since opening. */
  get appended(): number {
    return this.#appended;
  }

  /** The failure that stopped the journal, if any. */
  get failure(): unknown {
    return this.#failure;
  }

  /** Appends one record; resolves once it is on disk. */
  append(record: JournalRecord): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    this.#batch.push(encodeRecord(record));
    this.#appended++;
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.#flushing ??= this.#flushLoop();
    return done;
  }

  /** Waits until every appended record is on disk, then closes the file. */
  async close(): Promise<void> {
    if (this.#flushing !== undefined) await this.#flushing;
    await this.#handle.close();
  }

  async #flushLoop(): Promise<void> {
    try {
      while (this.#batch.length > 0) {
        const batch = this.#batch;
        const waiters = this.#waiters;
        this.#batch = [];
        this.#waiters = [];
        try {
          await writeAll(this.#handle, batch.length === 1 ? (batch[0] as Buffer) : Buffer.concat(batch));
          await this.#handle.datasync();
        } catch (error) {
          this.#failure = error;
          for (const waiter of [...waiters, ...this.#waiters]) waiter.reject(error);
          this.#batch = [];
          this.#waiters = [];
          return;
        }
        for (const waiter of waiters) waiter.resolve();
      }
    } finally {
      this.#flushing = undefined;
    }
  }
}
