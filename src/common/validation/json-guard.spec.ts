import { MAX_JSON_DEPTH, inspectJson } from './json-guard.js';

function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

describe('inspectJson', () => {
  it('accepts ordinary input and leaves it unchanged', () => {
    const body = { channelId: 'c', message: 'hi', mentionedPlayerIds: [1, 2], extra: { a: [{ b: 'x' }] } };
    expect(inspectJson(body, 'body')).toBeNull();
    expect(body).toEqual({ channelId: 'c', message: 'hi', mentionedPlayerIds: [1, 2], extra: { a: [{ b: 'x' }] } });
  });

  it('names the field holding a NUL character, at any depth, in values and keys', () => {
    expect(inspectJson({ name: 'a\u0000' }, 'body')).toBe('name must not contain the NUL character (U+0000)');
    expect(inspectJson({ data: { teams: ['ok', 'b\u0000'] } }, 'body')).toBe('data.teams[1] must not contain the NUL character (U+0000)');
    expect(inspectJson({ variables: { 'k\u0000': 'v' } }, 'body')).toBe(
      'variables must not have a key containing the NUL character (U+0000)',
    );
    expect(inspectJson('\u0000', 'query')).toBe('query must not contain the NUL character (U+0000)');
  });

  it('refuses nesting past the limit without overflowing the stack', () => {
    expect(inspectJson(nested(MAX_JSON_DEPTH - 1), 'body')).toBeNull();
    expect(inspectJson(nested(MAX_JSON_DEPTH + 1), 'body')).toBe(`body is nested too deeply (at most ${MAX_JSON_DEPTH} levels)`);
    expect(inspectJson(nested(200_000), 'body')).toBe(`body is nested too deeply (at most ${MAX_JSON_DEPTH} levels)`);
  });

  it('drops prototype keys at every level', () => {
    const body = JSON.parse('{"__proto__": {"x": 1}, "constructor": {}, "a": {"prototype": 1, "b": [{"constructor": 2, "c": 3}]}}');
    expect(inspectJson(body, 'body')).toBeNull();
    expect(body).toEqual({ a: { b: [{ c: 3 }] } });
    expect(Object.keys(body)).toEqual(['a']);
  });
});
