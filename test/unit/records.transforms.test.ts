/** Value transforms of field mappings, and comparing a platform field's values through them. */
import { applyTransforms, fromPlatformFields, sameFieldValue, toCalendarDate } from '../../lib/records/mapping';

describe('the date transform', () => {
	it("reads an ISO date-time as its UTC day, whatever the offset it is written with", () => {
		expect(toCalendarDate('2027-01-31T00:00:00.000Z')).toBe('2027-01-31');
		expect(toCalendarDate('2027-01-31T23:30:00-02:00')).toBe('2027-02-01');
		expect(toCalendarDate('2027-01-31')).toBe('2027-01-31');
	});

	it('passes anything that is not an ISO date-time as it is, for the platform to accept or refuse', () => {
		expect(toCalendarDate('next Tuesday')).toBe('next Tuesday');
		expect(toCalendarDate('2027-13-45T00:00:00Z')).toBe('2027-13-45T00:00:00Z');
		expect(applyTransforms(1706659200000, ['date'])).toBe(1706659200000);
	});

	it('normalises what a platform answers into the internal record', () => {
		expect(fromPlatformFields({ closedate: '2027-01-31T00:00:00.000Z' }, [{ internal: 'closeDate', external: 'closedate', transforms: ['date'] }])).toEqual({ closeDate: '2027-01-31' });
	});
});

describe('comparing a field through its transforms', () => {
	it('takes two spellings of one value as the same, and different values as different', () => {
		const closeDate = { internal: 'closeDate', external: 'closedate', transforms: ['date' as const] };
		expect(sameFieldValue(closeDate, '2027-01-31', '2027-01-31T00:00:00.000Z')).toBe(true);
		expect(sameFieldValue(closeDate, '2027-01-31', '2027-02-01T00:00:00.000Z')).toBe(false);
		const email = { internal: 'email', external: 'Email', transforms: ['trim' as const, 'lowercase' as const] };
		expect(sameFieldValue(email, ' Ada@Example.com', 'ada@example.com')).toBe(true);
		expect(sameFieldValue({ internal: 'name', external: 'Name' }, 'Ada', 'ada')).toBe(false);
	});
});
