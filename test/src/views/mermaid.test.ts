import { describe, expect, it } from 'vitest';
import { ACK, PSH, SYN } from '../../../sim/tcp/segment.ts';
import { MS } from '../../../sim/time.ts';
import { mermaidLines, mermaidText } from '../../../src/views/mermaid.ts';
import { mermaidProblems, unescapeMermaid } from './mermaid-syntax.ts';
import { CLIENT, HOSTS, loginTrace, SERVER, seg, TraceBuilder } from './trace-builder.ts';

describe('the Mermaid view of a login', () => {
  const lines = mermaidLines(loginTrace().trace, HOSTS);

  it('is a well-formed sequence diagram with the hosts as participants', () => {
    expect(mermaidProblems(lines)).toEqual([]);
    expect(lines.slice(0, 3)).toEqual([
      'sequenceDiagram',
      '    participant client as client 10.0.0.1',
      '    participant server as server 10.0.0.2',
    ]);
  });

  it('has one message per segment arrival, at its arrival time, from sender to receiver', () => {
    const messages = lines.filter((l) => l.includes('->>'));
    expect(messages).toHaveLength(7);
    expect(messages[0]).toBe('    client->>server: 1.000 SYN seq=0 isn=4294967280 win=65535 mss=1460');
    expect(messages[1]).toBe(
      '    server->>client: 2.000 SYN,ACK seq=0 ack=1 isn=2147418112 win=64240 mss=1460',
    );
    expect(unescapeMermaid(messages[3]!)).toBe(
      '    server->>client: 4.000 PSH,ACK seq=1 ack=1 len=27 "220 Microsoft FTP Service↵"',
    );
  });

  it('puts TCP state changes in notes over their host', () => {
    const notes = lines.filter((l) => l.includes('Note over'));
    expect(notes.map(unescapeMermaid)).toContain('    Note over server: 1.000 ctrl#1 LISTEN → SYN-RECEIVED');
    expect(notes).toHaveLength(6);
  });
});

describe('ftpOnly', () => {
  it('is the FTP conversation: commands from the client, replies from the server, in order', () => {
    const lines = mermaidLines(loginTrace().trace, HOSTS, { ftpOnly: true });
    expect(mermaidProblems(lines)).toEqual([]);
    expect(lines.slice(3)).toEqual([
      '    server->>client: 3.000 220 Microsoft FTP Service',
      '    client->>server: 5.000 USER anonymous',
      '    server->>client: 5.000 331 Anonymous access allowed.',
    ]);
  });

  it('breaks a multi-line reply with <br/>, the only markup it writes', () => {
    const t = loginTrace();
    t.at(8 * MS).reply('server', 'server/ctrl#1', 211, '211-Features:\n UTF8\n211 End');
    const lines = mermaidLines(t.trace, HOSTS, { ftpOnly: true });
    expect(mermaidProblems(lines)).toEqual([]);
    expect(lines.at(-1)).toBe('    server->>client: 8.000 211-Features:<br/> UTF8<br/>211 End');
  });
});

describe('escaping', () => {
  it('writes every character Mermaid reads as syntax as an entity, and the text reads back the same', () => {
    const nasty = 'a;b#c<d>e%%f"g\nh';
    const escaped = mermaidText(nasty);
    expect(escaped.replace(/#(?:\d+|[a-z]+);/g, '')).not.toMatch(/[;#<>%"\n]/);
    expect(unescapeMermaid(escaped)).toBe('a;b#c<d>e%%f"g h');
  });

  it('keeps a diagram well formed whatever a reply or a file name contains', () => {
    const t = new TraceBuilder();
    const payload = '550 <x;y> #1 100% "quoted"\r\n';
    const reply = seg(SERVER, CLIENT, PSH | ACK, 1, 1, payload);
    t.at(0).send('server', 'client', reply).at(MS).recv('client', 'server', reply);
    t.reply('server', 'server/ctrl#1', 550, '550 <x;y> #1 100% "quoted"');
    const lines = mermaidLines(t.trace, HOSTS);
    expect(mermaidProblems(lines)).toEqual([]);
    expect(unescapeMermaid(lines.at(-1)!)).toContain('"550 <x;y> #1 100% "quoted"↵"');
  });

  it('makes participant ids of host names Mermaid would not take, and keeps them apart', () => {
    const hosts = [
      { name: 'ftp-server.example', addr: '10.0.0.2' },
      { name: 'ftp_server_example', addr: '10.0.0.3' },
    ];
    const lines = mermaidLines([], hosts);
    expect(mermaidProblems(lines)).toEqual([]);
    expect(lines.slice(1)).toEqual([
      '    participant ftp_server_example as ftp-server.example 10.0.0.2',
      '    participant ftp_server_example_2 as ftp_server_example 10.0.0.3',
    ]);
  });
});

describe("the client models' ends", () => {
  it('puts a verdict and a failed step in notes over the client, in both modes', () => {
    const t = new TraceBuilder();
    t.at(MS).add('client', 'client-step', {
      client: 'c',
      index: 2,
      step: 'retr a.txt',
      phase: 'fail',
      detail: '550 Denied',
    });
    t.add('client', 'client-verdict', { client: 'c', verdict: 'failed', detail: 'RETR refused', code: 550 });
    for (const ftpOnly of [false, true]) {
      const lines = mermaidLines(t.trace, HOSTS, { ftpOnly });
      expect(mermaidProblems(lines)).toEqual([]);
      expect(lines.slice(3)).toEqual([
        '    Note over client: 1.000 c retr a.txt failed: 550 Denied',
        '    Note over client: 1.000 c failed (550): RETR refused',
      ]);
    }
  });
});

describe('the network in Mermaid', () => {
  it('draws a lost segment as a cross and a held one as an open arrow, each with why', () => {
    const t = new TraceBuilder();
    const syn = seg(CLIENT, SERVER, SYN, 1000, 0);
    t.at(0).send('client', 'server', syn).drop('client', 'server', syn, 'loss');
    t.at(MS).hold('client', 'server', syn, 'slow');
    const lines = mermaidLines(t.trace, HOSTS);
    expect(mermaidProblems(lines)).toEqual([]);
    expect(lines.slice(3)).toEqual([
      '    client-xserver: 0.000 SYN seq=0 isn=1000 win=65535 ✗ lost on the path',
      '    client--)server: 1.000 SYN seq=0 isn=1000 win=65535 ‖ held by slow',
    ]);
  });
});
