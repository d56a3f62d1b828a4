import type { Type } from '@nestjs/common';
import { inspectJson } from '../../common/validation/json-guard.js';
import { validateBody } from '../protocol/packet-body.js';
import { ChannelChatDto, fastChannelChatBody } from './chat.dto.js';
import { ConnectDto, fastConnectBody } from './session.dto.js';

/**
 * The hand-written fast checks of hot packets skip class-validator, so they must never accept a
 * body the DTO refuses, and must keep the same fields and values when they accept. `fallback`
 * rows are valid bodies the fast check leaves to class-validator (allowed, only slower).
 */
type Outcome = 'fast' | 'fallback' | 'refused';
/** A body as an object, or as JSON text when the wire form matters (big numbers, odd keys). */
type Row = [label: string, body: Record<string, unknown> | string, outcome: Outcome];

function compare(fastCheck: (plain: Record<string, unknown>) => object | null, dto: Type<object>, body: Row[1]): Outcome {
  // Each side gets its own parse, checked by the JSON guard first, as the packet router does.
  const parse = () => {
    const plain = JSON.parse(typeof body === 'string' ? body : JSON.stringify(body)) as Record<string, unknown>;
    expect(inspectJson(plain, 'body')).toBeNull();
    return plain;
  };
  const fast = fastCheck(parse());
  let slow: object | null;
  try {
    slow = validateBody(dto, parse());
  } catch {
    expect(fast).toBeNull();
    return 'refused';
  }
  if (!fast) return 'fallback';
  expect(fast).toBeInstanceOf(dto);
  expect(fast).toStrictEqual(slow);
  return 'fast';
}

const chat = (fields: Record<string, unknown>) => ({ channelId: 'c1', message: 'hi', ...fields });
const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

const CHANNEL_CHAT: Row[] = [
  ['minimal', chat({}), 'fast'],
  ['every field', chat({ extraData: '{"k":1}', replyMessageId: '123', mentionedPlayerIds: [2, 3] }), 'fast'],
  ['extra fields are dropped', chat({ foo: 1, toString: 'x', constructor: 1 }), 'fast'],
  ['__proto__ key', '{"channelId":"c1","message":"hi","__proto__":{"extraData":1}}', 'fast'],
  ['channelId of 100 characters', chat({ channelId: 'c'.repeat(100) }), 'fast'],
  ['channelId of 101 characters', chat({ channelId: 'c'.repeat(101) }), 'refused'],
  ['channelId with every allowed sign', chat({ channelId: 'aZ09-._~:' }), 'fast'],
  ['channelId empty', chat({ channelId: '' }), 'refused'],
  ['channelId with a slash', chat({ channelId: 'a/b' }), 'refused'],
  ['channelId with a space', chat({ channelId: 'a b' }), 'refused'],
  ['channelId with a trailing newline', chat({ channelId: 'ab\n' }), 'refused'],
  ['channelId non-ASCII', chat({ channelId: 'café' }), 'refused'],
  ['channelId a number', chat({ channelId: 12 }), 'refused'],
  ['channelId null', chat({ channelId: null }), 'refused'],
  ['channelId missing', { message: 'hi' }, 'refused'],
  ['message empty', chat({ message: '' }), 'refused'],
  ['message a space', chat({ message: ' ' }), 'fast'],
  ['message long (the 200 limit is the handler’s)', chat({ message: 'm'.repeat(5000) }), 'fast'],
  ['message an emoji', chat({ message: '😀' }), 'fast'],
  ['message a lone surrogate', chat({ message: '\ud83d' }), 'fast'],
  ['message only a variation selector', chat({ message: '\ufe0f' }), 'fallback'],
  ['message a character and its variation selector', chat({ message: '❤\ufe0f' }), 'fast'],
  ['message a number', chat({ message: 5 }), 'refused'],
  ['message an array', chat({ message: ['hi'] }), 'refused'],
  ['message null', chat({ message: null }), 'refused'],
  ['message missing', { channelId: 'c1' }, 'refused'],
  ['extraData null', chat({ extraData: null }), 'fast'],
  ['extraData empty', chat({ extraData: '' }), 'fast'],
  ['extraData of 256 bytes', chat({ extraData: 'x'.repeat(256) }), 'fast'],
  ['extraData of 257 bytes', chat({ extraData: 'x'.repeat(257) }), 'refused'],
  ['extraData of 256 bytes in 2-byte characters', chat({ extraData: 'é'.repeat(128) }), 'fast'],
  ['extraData of 128 characters but 258 bytes', chat({ extraData: '€'.repeat(86) }), 'refused'],
  ['extraData of 64 emoji (256 bytes)', chat({ extraData: '😀'.repeat(64) }), 'fast'],
  ['extraData of 65 emoji', chat({ extraData: '😀'.repeat(65) }), 'refused'],
  ['extraData an object', chat({ extraData: { k: 1 } }), 'refused'],
  ['extraData a number', chat({ extraData: 1 }), 'refused'],
  ['replyMessageId null', chat({ replyMessageId: null }), 'fast'],
  ['replyMessageId 0', chat({ replyMessageId: '0' }), 'fast'],
  ['replyMessageId 2^63-1', chat({ replyMessageId: '9223372036854775807' }), 'fast'],
  ['replyMessageId 2^63', chat({ replyMessageId: '9223372036854775808' }), 'refused'],
  ['replyMessageId 2^64', chat({ replyMessageId: '18446744073709551616' }), 'refused'],
  ['replyMessageId 19 zeros', chat({ replyMessageId: '0000000000000000000' }), 'fast'],
  ['replyMessageId 20 digits', chat({ replyMessageId: '00000000000000000001' }), 'refused'],
  ['replyMessageId negative', chat({ replyMessageId: '-1' }), 'refused'],
  ['replyMessageId with a sign', chat({ replyMessageId: '+1' }), 'refused'],
  ['replyMessageId decimal', chat({ replyMessageId: '1.0' }), 'refused'],
  ['replyMessageId with spaces', chat({ replyMessageId: ' 1' }), 'refused'],
  ['replyMessageId Arabic-Indic digits', chat({ replyMessageId: '١٢٣' }), 'refused'],
  ['replyMessageId empty', chat({ replyMessageId: '' }), 'refused'],
  ['replyMessageId a number', chat({ replyMessageId: 123 }), 'refused'],
  ['replyMessageId a JSON number past 2^63', '{"channelId":"c1","message":"hi","replyMessageId":9223372036854775807}', 'refused'],
  ['mentionedPlayerIds null', chat({ mentionedPlayerIds: null }), 'fast'],
  ['mentionedPlayerIds empty', chat({ mentionedPlayerIds: [] }), 'fast'],
  ['mentionedPlayerIds with a repeat', chat({ mentionedPlayerIds: [2, 2] }), 'fast'],
  ['mentionedPlayerIds at 2^53-1', chat({ mentionedPlayerIds: [1, Number.MAX_SAFE_INTEGER] }), 'fast'],
  ['mentionedPlayerIds at 2^53', '{"channelId":"c1","message":"hi","mentionedPlayerIds":[9007199254740992]}', 'refused'],
  ['mentionedPlayerIds at 2^63', '{"channelId":"c1","message":"hi","mentionedPlayerIds":[9223372036854775808]}', 'refused'],
  ['mentionedPlayerIds 1e400 (Infinity)', '{"channelId":"c1","message":"hi","mentionedPlayerIds":[1e400]}', 'refused'],
  ['mentionedPlayerIds 1.0 (an integer in JSON)', '{"channelId":"c1","message":"hi","mentionedPlayerIds":[1.0]}', 'fast'],
  ['mentionedPlayerIds 0', chat({ mentionedPlayerIds: [0] }), 'refused'],
  ['mentionedPlayerIds -0', '{"channelId":"c1","message":"hi","mentionedPlayerIds":[-0]}', 'refused'],
  ['mentionedPlayerIds negative', chat({ mentionedPlayerIds: [-1] }), 'refused'],
  ['mentionedPlayerIds fraction', chat({ mentionedPlayerIds: [1.5] }), 'refused'],
  ['mentionedPlayerIds strings', chat({ mentionedPlayerIds: ['1'] }), 'refused'],
  ['mentionedPlayerIds with null', chat({ mentionedPlayerIds: [null] }), 'refused'],
  ['mentionedPlayerIds nested', chat({ mentionedPlayerIds: [[1]] }), 'refused'],
  ['mentionedPlayerIds 100 players', chat({ mentionedPlayerIds: ids(100) }), 'fast'],
  ['mentionedPlayerIds 101 players', chat({ mentionedPlayerIds: ids(101) }), 'refused'],
  ['mentionedPlayerIds an object', chat({ mentionedPlayerIds: { 0: 1 } }), 'refused'],
  ['mentionedPlayerIds a number', chat({ mentionedPlayerIds: 1 }), 'refused'],
];

const connect = (fields: Record<string, unknown>) => ({ token: 'a.b.c', ...fields });

const CONNECT: Row[] = [
  ['token only', connect({}), 'fast'],
  ['token and languageCode', connect({ languageCode: 'en' }), 'fast'],
  ['extra fields are dropped', connect({ playerId: 7, toString: 'x' }), 'fast'],
  ['token of 1 character', connect({ token: 'a' }), 'fast'],
  ['token of 4096 characters', connect({ token: 't'.repeat(4096) }), 'fast'],
  ['token of 4097 characters', connect({ token: 't'.repeat(4097) }), 'refused'],
  ['token with spaces', connect({ token: ' a b ' }), 'fast'],
  ['token empty', connect({ token: '' }), 'refused'],
  ['token non-ASCII', connect({ token: 'tök' }), 'fallback'],
  ['token with a control character', connect({ token: 'a\tb' }), 'fallback'],
  ['token of 4096 emoji (8192 UTF-16 units)', connect({ token: '😀'.repeat(4096) }), 'fallback'],
  ['token of 4097 emoji', connect({ token: '😀'.repeat(4097) }), 'refused'],
  ['token a number', connect({ token: 12 }), 'refused'],
  ['token null', connect({ token: null }), 'refused'],
  ['token missing', {}, 'refused'],
  ['languageCode null', connect({ languageCode: null }), 'fast'],
  ['languageCode with a region', connect({ languageCode: 'en-US' }), 'fast'],
  ['languageCode of three letters and subtags', connect({ languageCode: 'zh-hans-CN' }), 'fast'],
  ['languageCode with an 8-character subtag', connect({ languageCode: 'de-12345678' }), 'fast'],
  ['languageCode with a 9-character subtag', connect({ languageCode: 'de-123456789' }), 'refused'],
  ['languageCode of one letter', connect({ languageCode: 'e' }), 'refused'],
  ['languageCode of four letters', connect({ languageCode: 'engl' }), 'refused'],
  ['languageCode with a trailing dash', connect({ languageCode: 'en-' }), 'refused'],
  ['languageCode with a trailing newline', connect({ languageCode: 'en\n' }), 'refused'],
  ['languageCode with an underscore', connect({ languageCode: 'en_US' }), 'refused'],
  ['languageCode non-ASCII', connect({ languageCode: 'ën' }), 'refused'],
  ['languageCode empty', connect({ languageCode: '' }), 'refused'],
  ['languageCode a number', connect({ languageCode: 1 }), 'refused'],
];

describe('fastChannelChatBody agrees with ChannelChatDto', () => {
  it.each(CHANNEL_CHAT)('%s', (_label, body, outcome) => {
    expect(compare(fastChannelChatBody, ChannelChatDto, body)).toBe(outcome);
  });

  it('agrees on every short message made of letters, variation selectors and surrogate halves', () => {
    const units = ['a', ' ', '\ufe0e', '\ufe0f', '\ud83d', '\ude00'];
    let messages = [''];
    for (let length = 1; length <= 3; length++) {
      messages = messages.flatMap((m) => units.map((u) => m + u));
      for (const message of messages) compare(fastChannelChatBody, ChannelChatDto, chat({ message }));
    }
  });
});

describe('fastConnectBody agrees with ConnectDto', () => {
  it.each(CONNECT)('%s', (_label, body, outcome) => {
    expect(compare(fastConnectBody, ConnectDto, body)).toBe(outcome);
  });
});
