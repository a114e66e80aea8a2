import { describe, expect, it } from 'vitest';
import { SharedInflight } from '../../../src/services/shared-inflight.js';

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SharedInflight', () => {
  it('fetches an id once while two concurrent callers ask for it', async () => {
    const shared = new SharedInflight<string>();
    const calls: string[][] = [];
    const first = deferred<Map<string, string>>();
    const a = shared.load(['1', '2'], (missing) => {
      calls.push([...missing]);
      return first.promise;
    });
    const b = shared.load(['2', '3'], (missing) => {
      calls.push([...missing]);
      return Promise.resolve(new Map([['3', 'c']]));
    });
    first.resolve(new Map([['1', 'a'], ['2', 'b']]));
    expect(Object.fromEntries(await a)).toEqual({ 1: 'a', 2: 'b' });
    expect(Object.fromEntries(await b)).toEqual({ 2: 'b', 3: 'c' });
    expect(calls).toEqual([['1', '2'], ['3']]);
    expect(shared.size).toBe(0);
  });

  it('gives every waiting caller the failure, then fetches afresh', async () => {
    const shared = new SharedInflight<string>();
    const failing = deferred<Map<string, string>>();
    const a = shared.load(['1'], () => failing.promise);
    const b = shared.load(['1'], () => Promise.resolve(new Map([['1', 'never']])));
    failing.reject(new Error('down'));
    await expect(a).rejects.toThrow('down');
    await expect(b).rejects.toThrow('down');
    const again = await shared.load(['1'], () => Promise.resolve(new Map([['1', 'x']])));
    expect(again.get('1')).toBe('x');
  });

  it('leaves ids the system does not know out of the answer', async () => {
    const shared = new SharedInflight<string>();
    const found = await shared.load(['1', '2'], () => Promise.resolve(new Map([['1', 'a']])));
    expect([...found.keys()]).toEqual(['1']);
  });
});
