import { createHmac } from 'node:crypto';

import { hmac, hmacBase64, hmacHex, safeEqual } from '../../lib/transport';

describe('transport signatures', () => {
	it('computes HMAC-SHA256 by default and HMAC-SHA1 on request, as raw bytes, base64 and hex', () => {
		const sha256 = createHmac('sha256', 'key').update('body').digest();
		expect(hmac('key', 'body')).toEqual(sha256);
		expect(hmacBase64('key', 'body')).toBe(sha256.toString('base64'));
		expect(hmacHex('key', 'body')).toBe(sha256.toString('hex'));
		expect(hmacHex('key', 'body', 'sha1')).toBe(createHmac('sha1', 'key').update('body').digest('hex'));
	});

	it('compares strings and buffers, unequal on any differing byte or length', () => {
		expect(safeEqual('abc', 'abc')).toBe(true);
		expect(safeEqual(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
		expect(safeEqual('abc', 'abd')).toBe(false);
		expect(safeEqual('abc', 'abcd')).toBe(false);
		expect(safeEqual('', 'abc')).toBe(false);
	});
});
