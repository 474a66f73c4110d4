import { describe, expect, it } from 'vitest';
import { inShard, parseShard } from './shard.js';

describe('shards', () => {
  const ids = Array.from({ length: 1000 }, (_, i) => `echo/case-${i}[len=${i * 7}]`);

  it('split every case into exactly one shard, roughly evenly, the same way every time', () => {
    const shards = [1, 2, 3, 4].map((index) => ids.filter((id) => inShard(id, { index, count: 4 })));
    expect(shards.flat().sort()).toEqual([...ids].sort());
    for (const s of shards) expect(s.length).toBeGreaterThan(200);
    expect(ids.filter((id) => inShard(id, { index: 2, count: 4 }))).toEqual(shards[1]);
  });

  it('keep a case in its shard when other cases come and go', () => {
    const before = ids.filter((id) => inShard(id, { index: 1, count: 3 }));
    const after = [...ids, 'echo/new-case'].filter((id) => inShard(id, { index: 1, count: 3 }));
    expect(after.filter((id) => id !== 'echo/new-case')).toEqual(before);
  });

  it('parse i/n and refuse anything else', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '2', 'a/b', '1/0']) expect(() => parseShard(bad)).toThrow(/expected i\/n with 1 <= i <= n/);
  });
});
