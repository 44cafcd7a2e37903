import { describe, expect, it } from 'vitest';
import { UsageError } from '../../sim/errors.ts';
import { World } from '../../sim/world.ts';

/** A world whose 'count' events add one to the value in a slot they carry; 'other' sets a key by name. */
function counter(history = true): { w: World; slot: number } {
  const w = new World({ history, historyInterval: 2 });
  const slot = w.slot('count');
  w.on('count', (world, s: number) => world.put(s, (world.at<number>(s) ?? 0) + 1));
  w.on('other', (world, key: string) => world.set(key, world.now));
  for (let t = 1; t <= 6; t++) w.schedule(t, 'count', slot);
  w.schedule(3, 'other', 'late');
  return { w, slot };
}

describe('state slots', () => {
  it('a slot and its key name the same value, both ways', () => {
    const w = new World();
    const s = w.slot('a');
    expect(w.slot('a')).toBe(s);
    expect(w.slot('b')).not.toBe(s);
    expect(w.at(s)).toBeUndefined();
    expect([...w.keys()]).toEqual([]); // taking a slot stores nothing
    w.set('a', 1);
    expect(w.at(s)).toBe(1);
    w.put(s, 2);
    expect(w.get('a')).toBe(2);
    w.put(s, undefined);
    expect(w.get('a')).toBeUndefined();
    expect([...w.keys()]).toEqual([]);
  });

  it('keys() lists the keys holding a value, in the order they were first used', () => {
    const w = new World();
    w.set('x', 1);
    w.set('y', 2);
    w.set('z', 3);
    w.delete('x');
    w.set('x', 4);
    expect([...w.keys()]).toEqual(['x', 'y', 'z']);
  });

  it('put on a slot this world never gave out is a usage error', () => {
    const w = new World();
    expect(() => w.put(7, 1)).toThrow(UsageError);
  });

  it('back() restores slot values, including slots first used after the checkpoint', () => {
    const { w, slot } = counter();
    w.run();
    expect(w.at(slot)).toBe(6);
    expect(w.get('late')).toBe(3);
    w.back(5); // after step 2: two counts, 'late' not yet set
    expect(w.at(slot)).toBe(2);
    expect(w.get('late')).toBeUndefined();
    expect([...w.keys()]).toEqual(['count']);
    w.run();
    expect(w.at(slot)).toBe(6);
    expect([...w.keys()]).toEqual(['count', 'late']);
  });

  it('a put between steps is an input: replayed after back(), dropped by a new one', () => {
    const { w, slot } = counter();
    w.step();
    w.step();
    w.step();
    w.put(slot, 100);
    w.run();
    expect(w.at(slot)).toBe(103);
    w.back(4);
    w.run();
    expect(w.at(slot)).toBe(103);
  });

  it('a fork keeps the numbering, and its values are its own', () => {
    const { w, slot } = counter();
    w.step();
    w.step();
    const f = w.fork();
    expect(f.slot('count')).toBe(slot);
    f.run();
    expect(f.at(slot)).toBe(6);
    expect(w.at(slot)).toBe(2);
    const fresh = f.slot('only-in-fork');
    f.put(fresh, 'x');
    expect(w.get('only-in-fork')).toBeUndefined();
  });
});
