import { InputError } from '../records/inputSchema';
import { minorDigits, toMinorExact } from '../records/money';

/**
 * An amount in the currency's minor units, read from the digits it was written with (never multiplied as a float); one
 * finer than the currency's smallest unit (1.001 USD, 1.0005 KWD) is refused naming `amount`, never rounded.
 */
export function minorUnitsOf(amount: number, currency: string, subject: string): number {
	const minor = toMinorExact(amount, currency);
	if (minor === undefined || minor <= 0n || minor > BigInt(Number.MAX_SAFE_INTEGER)) {
		throw new InputError([{ field: 'amount', problem: `must be a positive amount in whole ${currency} minor units (${minorDigits(currency)} decimals at most), got the number ${amount}` }], subject);
	}
	return Number(minor);
}
