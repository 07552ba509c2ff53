import { fingerprint } from '../../lib/sync/fingerprint';

describe('sync fingerprint', () => {
	// Pinned from the implementation that built a null-prototype copy: snapshots stored before keep matching.
	it('is the hash it always was, in any key order', () => {
		expect(fingerprint({ lastName: 'Ng', firstName: 'Ann', email: 'ann@example.com' })).toBe('8a77a76afa7b5569a57bc9bccad1c453e0fe46ed');
		expect(fingerprint({ email: 'ann@example.com', firstName: 'Ann', lastName: 'Ng' })).toBe('8a77a76afa7b5569a57bc9bccad1c453e0fe46ed');
	});

	it('keeps a field named __proto__ as a field, array-index keys first, and values as text', () => {
		const fields = JSON.parse('{"b": {"y": [2, null], "x": 1}, "__proto__": {"z": true}, "10": "ten", "9": null}') as Record<string, unknown>;
		expect(fingerprint(fields)).toBe('8e14ae7f90cfe1b700b0f8d3375fd0c09d02fe71');
		const otherProto = JSON.parse('{"b": {"y": [2, null], "x": 1}, "__proto__": {"z": false}, "10": "ten", "9": null}') as Record<string, unknown>;
		expect(fingerprint(otherProto)).not.toBe(fingerprint(fields));
	});
});
