import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../../sim/errors.ts';
import { finishChecksum, internetChecksum, sumWords } from '../../../sim/pcap/checksum.ts';
import { decodeFrame } from '../../../sim/pcap/read.ts';
import { encodeFrame, frameLength, ipLength, ipv4, macOf } from '../../../sim/pcap/wire.ts';
import { ACK, EMPTY, FIN, PSH, RST, type Segment, SYN, URG } from '../../../sim/tcp/segment.ts';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!, (b) => Number.parseInt(b, 16));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const text = (s: string) => new TextEncoder().encode(s);

const CLIENT = { addr: '10.0.0.1', port: 50000 };
const SERVER = { addr: '10.0.0.2', port: 21 };
const SYN_MSS: Segment = {
  src: CLIENT,
  dst: SERVER,
  seq: 0xfffffff0,
  ack: 0,
  flags: SYN,
  wnd: 65535,
  mss: 1460,
  payload: EMPTY,
};
const USER: Segment = {
  src: CLIENT,
  dst: SERVER,
  seq: 0xfffffff1,
  ack: 0x7fff0001,
  flags: PSH | ACK,
  wnd: 65535,
  payload: text('USER anonymous\r\n!'), // odd length: the checksum pads the last byte
};

describe('the Internet checksum', () => {
  it('of the RFC 1071 §3 example words 0001 f203 f4f5 f6f7 sums to ddf2', () => {
    expect(sumWords(hex('0001f203f4f5f6f7'), 0, 8) % 0xffff).toBe(0xddf2);
    expect(internetChecksum(hex('0001f203f4f5f6f7'))).toBe(~0xddf2 & 0xffff);
  });

  it('of a textbook IPv4 header (192.168.0.1 to 192.168.0.199, UDP) is b861', () => {
    expect(internetChecksum(hex('450000730000400040110000c0a80001c0a800c7'))).toBe(0xb861);
    expect(internetChecksum(hex('45000073000040004011b861c0a80001c0a800c7'))).toBe(0); // verifies
  });

  it('pads an odd last byte with zero', () => {
    expect(internetChecksum(hex('0102ff'))).toBe(internetChecksum(hex('0102ff00')));
  });
});

describe('encodeFrame', () => {
  it('writes a SYN with MSS byte for byte as computed independently (Python struct, RFC 1071 sum)', () => {
    expect(toHex(encodeFrame(SYN_MSS, 7))).toBe(
      [
        '02000a000002', // destination MAC from 10.0.0.2
        '02000a000001', // source MAC from 10.0.0.1
        '0800', // IPv4
        '4500002c', // version 4, IHL 5, total length 44
        '00074000', // identification 7, DF
        '400626c3', // TTL 64, TCP, header checksum
        '0a000001',
        '0a000002',
        'c3500015', // 50000 > 21
        'fffffff0', // seq
        '00000000', // ack
        '6002ffff', // data offset 6 words, SYN, window 65535
        'c0cd0000', // TCP checksum, urgent pointer
        '020405b4', // MSS 1460: kind 2, length 4
      ].join(''),
    );
  });

  it('carries the payload byte-exact and a TCP checksum that verifies over the pseudo-header', () => {
    const frame = encodeFrame(USER, 8);
    expect(frame.length).toBe(14 + 20 + 20 + 17);
    expect(toHex(frame.subarray(54))).toBe(toHex(USER.payload));
    expect(toHex(frame.subarray(50, 52))).toBe('af84'); // computed independently, as above
    // Recomputed here from the frame alone: pseudo-header (src, dst, 0, 6, TCP length) + TCP segment sums to 0.
    const tcp = frame.subarray(34);
    const pseudo = new Uint8Array([...frame.subarray(26, 34), 0, 6, tcp.length >> 8, tcp.length & 0xff]);
    expect(internetChecksum(new Uint8Array([...pseudo, ...tcp]))).toBe(0);
    expect(internetChecksum(frame, 14, 34)).toBe(0);
  });

  it('puts the MSS option only where there is one, and refuses it on a segment without SYN', () => {
    const synAck = { ...SYN_MSS, flags: SYN | ACK, ack: 1, mss: 536 };
    expect(toHex(encodeFrame(synAck, 0).subarray(46, 48))).toBe('6012'); // offset 6, SYN+ACK
    expect(toHex(encodeFrame(synAck, 0).subarray(54, 58))).toBe('02040218');
    const { mss: _, ...bare } = SYN_MSS;
    expect(toHex(encodeFrame(bare, 0).subarray(46, 48))).toBe('5002');
    expect(encodeFrame(bare, 0).length).toBe(54);
    expect(() => encodeFrame({ ...USER, mss: 1460 }, 0)).toThrow(/an MSS option on a segment without SYN/);
  });

  it('sets each control bit where RFC 9293 puts it', () => {
    const flagsByte = (flags: number) => encodeFrame({ ...USER, flags }, 0)[47];
    expect([FIN, SYN, RST, PSH, ACK, URG].map(flagsByte)).toEqual([0x01, 0x02, 0x04, 0x08, 0x10, 0x20]);
  });

  it('takes the IP identification modulo 2^16', () => {
    expect(toHex(encodeFrame(USER, 65536 + 5).subarray(18, 20))).toBe('0005');
  });

  it('refuses segments that cannot be on a wire, as a bug in their maker', () => {
    for (const bad of [
      { ...USER, wnd: 65536 },
      { ...USER, seq: -1 },
      { ...USER, ack: 2 ** 32 },
      { ...USER, src: { addr: '10.0.0.1', port: 65536 } },
      { ...USER, flags: 0x40 },
      { ...USER, dst: { addr: '10.0.0.300', port: 21 } },
      { ...USER, dst: { addr: 'server', port: 21 } },
      { ...USER, payload: new Uint8Array(65535 - 40 + 1) },
    ]) {
      expect(() => encodeFrame(bad, 0)).toThrow(InvariantError);
    }
    expect(() => encodeFrame({ ...USER, payload: new Uint8Array(65535 - 40) }, 0)).not.toThrow();
  });
});

describe('sizes', () => {
  it('ipLength counts the IP and TCP headers, the MSS option and the payload', () => {
    expect(ipLength(SYN_MSS)).toBe(44);
    expect(ipLength(USER)).toBe(57);
    expect(ipLength({ ...USER, payload: new Uint8Array(1460) })).toBe(1500); // a full segment fills an Ethernet MTU
    expect(frameLength(USER)).toBe(71);
    expect(encodeFrame(USER, 0).length).toBe(frameLength(USER));
  });
});

describe('addresses', () => {
  it('give every host a locally administered MAC from its IPv4 address', () => {
    expect(macOf('192.168.1.20')).toBe('02:00:c0:a8:01:14');
    expect(ipv4('255.255.255.255')).toBe(0xffffffff);
    expect(() => ipv4('010.0.0.1')).toThrow(InvariantError);
  });
});

describe('a frame read back', () => {
  const endpoint = fc.record({
    addr: fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.')),
    port: fc.nat(65535),
  });
  const segment = fc
    .record({
      src: endpoint,
      dst: endpoint,
      seq: fc.nat(0xffffffff),
      ack: fc.nat(0xffffffff),
      flags: fc.nat(0x3f),
      wnd: fc.nat(65535),
      mss: fc.option(fc.nat(65535), { nil: undefined }),
      payload: fc.uint8Array({ maxLength: 1600 }),
    })
    .map(({ mss, ...s }): Segment => (mss !== undefined && s.flags & SYN ? { ...s, mss } : s));

  it('is the segment that was written, with both checksums verifying', () => {
    fc.assert(
      fc.property(segment, fc.nat(0xffff), (s, ipId) => {
        const frame = encodeFrame(s, ipId);
        const d = decodeFrame(frame);
        expect(d.segment).toEqual(s);
        expect(d).toMatchObject({
          ipId,
          ttl: 64,
          dontFragment: true,
          ipChecksumOk: true,
          tcpChecksumOk: true,
        });
        expect(d.srcMac).toBe(macOf(s.src.addr));
        expect(d.dstMac).toBe(macOf(s.dst.addr));
      }),
      { numRuns: 500 },
    );
  });

  it('shows any flipped bit as a checksum that no longer verifies', () => {
    // Checked straight from the bytes, not through the decoder, which rejects some damaged headers outright.
    const verifies = (frame: Uint8Array) => {
      const tcpLength = frame.length - 34;
      const pseudo = sumWords(frame, 26, 34) + 6 + tcpLength;
      return (
        internetChecksum(frame, 14, 34) === 0 &&
        finishChecksum(sumWords(frame, 34, frame.length, pseudo)) === 0
      );
    };
    fc.assert(
      fc.property(segment, fc.nat(), fc.integer({ min: 0, max: 7 }), (s, at, bit) => {
        const frame = encodeFrame(s, 1);
        expect(verifies(frame)).toBe(true);
        frame[14 + (at % (frame.length - 14))]! ^= 1 << bit;
        expect(verifies(frame)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
