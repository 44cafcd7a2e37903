import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientPath, fsFromEntries, isWithin, resolvePath, stat } from '../../../../src/ftp/fs.ts';
import { cleanName } from '../../../../src/ftp/fs-path.ts';

/** Pieces a hostile client strings together: separators, dots, encodings, drive and UNC prefixes, NUL, names. */
const PIECE = fc.constantFrom(
  '/',
  '\\',
  '.',
  '..',
  '...',
  ' ',
  '%2e',
  '%2f',
  '%5c',
  'C:',
  '\\\\server\\share',
  '\u0000',
  '*',
  'a',
  'B',
  'é',
  'con',
  '~1',
  ':$DATA',
);
const ARG = fc.oneof(
  fc.array(PIECE, { maxLength: 12 }).map((p) => p.join('')),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);
const JAILS = ['/', '/LocalUser/alice', '/CONTOSO/bob/home'];
const SEGMENT = fc.constantFrom('a', 'B', 'docs', 'x y');

describe('resolvePath under random arguments (fast-check)', () => {
  it('never leaves the jail; returns a canonical path of storable names that PWD/CWD round-trips', () => {
    fc.assert(
      fc.property(fc.constantFrom(...JAILS), fc.array(SEGMENT, { maxLength: 3 }), ARG, (jail, below, arg) => {
        const cwd =
          jail === '/' ? `/${below.join('/')}`.replace(/\/$/, '') || '/' : [jail, ...below].join('/');
        const r = resolvePath(cwd, arg, jail);
        if (!r.ok) {
          expect([123, 206]).toContain(r.win32);
          return;
        }
        expect(isWithin(r.value, jail)).toBe(true);
        expect(r.value).toMatch(/^\/([^/\\\u0000]+(\/[^/\\\u0000]+)*)?$/);
        // What the client is shown (PWD) leads back to the same place (CWD to it).
        expect(resolvePath(jail, clientPath(r.value, jail), jail)).toEqual(r);
        const segs = r.value === '/' ? [] : r.value.split('/').slice(1);
        for (const seg of segs) expect(cleanName(seg)).toEqual({ ok: true, value: seg });
      }),
      { numRuns: 3000 },
    );
  });

  it('is case-insensitive in what it finds: any casing of a stored path finds the same node', () => {
    const fs = fsFromEntries({ 'Docs/Sub/ReadMe.txt': 'x' }, 0);
    const node = stat(fs, '/Docs/Sub/ReadMe.txt');
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 19, maxLength: 19 }), (upper) => {
        const p = [...'/Docs/Sub/ReadMe.txt']
          .map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase()))
          .join('');
        expect(stat(fs, p)).toBe(node);
      }),
    );
  });
});
