/**
 * A structural check of the Mermaid sequence diagrams netstep writes, standing in for Mermaid's parser
 * (not a dependency of the project): the grammar subset the view uses, statement by statement, and the
 * characters Mermaid would read as syntax inside a text.
 */

const ID = '[A-Za-z0-9_]+';
const PARTICIPANT = new RegExp(`^    participant (${ID}) as (.+)$`);
const MESSAGE = new RegExp(`^    (${ID})(->>|-x|--\\))(${ID}): (.+)$`);
const NOTE = new RegExp(`^    Note over (${ID}): (.+)$`);

/** Characters Mermaid reads as syntax in a text: a statement end, an entity start, HTML, a comment start. */
const SYNTAX = /[;#<>%"\n\r]/;
const ENTITY = /#(?:\d+|[a-z]+);/g;

/** Problems found, one line each; empty when the diagram is well formed. */
export function mermaidProblems(lines: readonly string[]): string[] {
  const problems: string[] = [];
  if (lines[0] !== 'sequenceDiagram') problems.push(`line 1: expected 'sequenceDiagram', got '${lines[0]}'`);
  const declared = new Set<string>();
  let messages = false;
  const text = (i: number, t: string) => {
    const bare = t.replace(ENTITY, '').replaceAll('<br/>', '');
    if (SYNTAX.test(bare)) problems.push(`line ${i + 1}: unescaped syntax character in '${t}'`);
    if (t.trim() === '') problems.push(`line ${i + 1}: empty text`);
  };
  const known = (i: number, id: string) => {
    if (!declared.has(id)) problems.push(`line ${i + 1}: participant '${id}' not declared`);
  };
  lines.slice(1).forEach((line, k) => {
    const i = k + 1;
    let m = PARTICIPANT.exec(line);
    if (m) {
      if (messages) problems.push(`line ${i + 1}: participant declared after the first message`);
      if (declared.has(m[1]!)) problems.push(`line ${i + 1}: participant '${m[1]}' declared twice`);
      declared.add(m[1]!);
      text(i, m[2]!);
      return;
    }
    m = MESSAGE.exec(line);
    if (m) {
      messages = true;
      known(i, m[1]!);
      known(i, m[3]!);
      text(i, m[4]!);
      return;
    }
    m = NOTE.exec(line);
    if (m) {
      messages = true;
      known(i, m[1]!);
      text(i, m[2]!);
      return;
    }
    problems.push(`line ${i + 1}: not a statement of the diagram: '${line}'`);
  });
  return problems;
}

/** A Mermaid text as the renderer shows it: entity codes back to characters. */
export function unescapeMermaid(t: string): string {
  const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', amp: '&' };
  return t.replace(ENTITY, (e) => {
    const body = e.slice(1, -1);
    return /^\d+$/.test(body) ? String.fromCharCode(Number(body)) : (named[body] ?? e);
  });
}
