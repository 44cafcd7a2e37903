/**
 * Loading scenario files: a `.json` file, or a `.ts`/`.js` module whose default export is the scenario
 * (`export default defineScenario({...})`); either is validated (validate.ts). And the bundled scenarios,
 * every file under the repository's scenarios/ folder.
 */

import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ScenarioError } from './errors.ts';
import type { Scenario } from './types.ts';
import { validateScenario } from './validate.ts';

/** The folder of the bundled scenarios. */
export const BUNDLED_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

const EXTENSIONS = ['.json', '.ts', '.js', '.mjs'];

export async function loadScenario(file: string): Promise<Scenario> {
  const path = resolve(file);
  const ext = extname(path);
  let data: unknown;
  if (ext === '.json') {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw new ScenarioError(file, '', `cannot read the file: ${(e as Error).message}`);
    }
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new ScenarioError(file, '', `not valid JSON: ${(e as Error).message}`);
    }
  } else if (EXTENSIONS.includes(ext)) {
    let mod: { default?: unknown };
    try {
      mod = await import(pathToFileURL(path).href);
    } catch (e) {
      throw new ScenarioError(file, '', `cannot load the module: ${(e as Error).message}`);
    }
    if (mod.default === undefined)
      throw new ScenarioError(
        file,
        '',
        'the module has no default export (export default defineScenario({...}))',
      );
    data = mod.default;
  } else {
    throw new ScenarioError(
      file,
      '',
      `unknown kind of file '${ext}': a scenario is a ${EXTENSIONS.join(', ')} file`,
    );
  }
  return validateScenario(data, file);
}

export interface BundledScenario {
  /** Absolute path of the file. */
  readonly file: string;
  /** Short name: the path under scenarios/ without its extension, e.g. 'kb/port-handshake-before-200'. */
  readonly id: string;
  readonly name: string;
  readonly about: string;
}

/** Every scenario file under scenarios/, sorted by id, each loaded (and so validated). */
export async function listBundled(): Promise<BundledScenario[]> {
  const files = (await walk(BUNDLED_DIR)).filter(
    (f) => EXTENSIONS.includes(extname(f)) && !f.endsWith('.d.ts'),
  );
  const out: BundledScenario[] = [];
  for (const file of files) {
    const s = await loadScenario(file);
    out.push({ file, id: bundledId(file), name: s.name, about: s.about });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** 'kb/port-handshake-before-200' for scenarios/kb/port-handshake-before-200.json. */
export function bundledId(file: string): string {
  const rel = relative(BUNDLED_DIR, resolve(file)).split('\\').join('/');
  return rel.slice(0, rel.length - extname(rel).length);
}

/** The file of a bundled scenario named by its id ('kb/port-handshake-before-200'), or null. */
export async function findBundled(id: string): Promise<string | null> {
  for (const ext of EXTENSIONS) {
    const file = join(BUNDLED_DIR, `${id}${ext}`);
    try {
      await readFile(file);
      return file;
    } catch {
      // not this extension
    }
  }
  return null;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}
