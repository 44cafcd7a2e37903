import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BUNDLED_DIR,
  findBundled,
  listBundled,
  loadScenario,
  ScenarioError,
} from '../../../src/scenario/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'netstep-load-'));
const INDEX = fileURLToPath(new URL('../../../src/scenario/index.ts', import.meta.url));
const SMALL = { name: 'small', about: 'a scenario on one host', hosts: [{ name: 'a', addr: '10.0.0.1' }] };

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('loadScenario', () => {
  it('reads and validates a JSON file', async () => {
    const s = await loadScenario(file('small.json', JSON.stringify(SMALL)));
    expect([s.name, s.about, s.hosts]).toEqual(['small', 'a scenario on one host', SMALL.hosts]);
  });

  it("imports a TypeScript module's default export", async () => {
    const p = file(
      'small.ts',
      `import { defineScenario } from ${JSON.stringify(INDEX)};\nexport default defineScenario(${JSON.stringify(SMALL)});\n`,
    );
    expect((await loadScenario(p)).name).toBe('small');
  });

  it.each([
    ['bad.json', '{ "name": ', /^.*bad\.json: not valid JSON: /],
    [
      'nodefault.ts',
      'export const x = 1;\n',
      /nodefault\.ts: the module has no default export \(export default defineScenario\(\{\.\.\.\}\)\)$/,
    ],
    [
      'scenario.yaml',
      'name: x\n',
      /scenario\.yaml: unknown kind of file '\.yaml': a scenario is a \.json, \.ts, \.js, \.mjs file$/,
    ],
    [
      'invalid.json',
      JSON.stringify({ ...SMALL, hosts: [] }),
      /invalid\.json: hosts: a scenario needs at least one host$/,
    ],
  ])('%s: a ScenarioError naming the file', async (name, text, message) => {
    const p = file(name, text);
    await expect(loadScenario(p)).rejects.toThrow(ScenarioError);
    await expect(loadScenario(p)).rejects.toThrow(message);
  });

  it('a file that is not there', async () => {
    await expect(loadScenario(join(dir, 'missing.json'))).rejects.toThrow(
      /missing\.json: cannot read the file: /,
    );
  });
});

describe('bundled scenarios', () => {
  it('every file under scenarios/ is listed with its name and about line, by id', async () => {
    const all = await listBundled();
    const ids = all.map((b) => b.id);
    expect(ids).toEqual([...ids].sort());
    for (const group of ['kb', 'races', 'tcp', 'bench'])
      expect(ids.some((id) => id.startsWith(`${group}/`))).toBe(true);
    for (const b of all) {
      expect(b.file.startsWith(BUNDLED_DIR)).toBe(true);
      expect(b.id.split('/').at(-1)).toBe(b.name);
      expect(b.about).not.toMatch(/\n/);
    }
  });

  it('findBundled finds a scenario by its id, whatever its extension', async () => {
    expect(await findBundled('kb/port-handshake-before-200')).toBe(
      join(BUNDLED_DIR, 'kb/port-handshake-before-200.json'),
    );
    expect(await findBundled('tcp/time-wait')).toBe(join(BUNDLED_DIR, 'tcp/time-wait.ts'));
    expect(await findBundled('kb/no-such-thing')).toBeNull();
  });
});
