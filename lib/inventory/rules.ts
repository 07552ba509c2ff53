/** What one store lists when quantities are set absolutely: the seed's channel rules. */
export interface ChannelRules {
	/** Units held back from this store: it lists available minus the buffer. */
	safetyBuffer?: number;
	/** The most this store ever lists. */
	maxListed?: number;
	/** The share of available stock this store lists, 0-100 (rounded down). */
	allocationPercent?: number;
}

export function hasRules(rules: ChannelRules | undefined): rules is ChannelRules {
	return !!rules && (rules.safetyBuffer !== undefined || rules.maxListed !== undefined || rules.allocationPercent !== undefined);
}

/** The quantity a store lists for `available` units under its rules; never below zero. */
export function listedQuantity(available: number, rules: ChannelRules | undefined): number {
	if (!hasRules(rules)) return available;
	let listed = available - (rules.safetyBuffer ?? 0);
	if (rules.allocationPercent !== undefined) listed = Math.floor((listed * rules.allocationPercent) / 100);
	if (rules.maxListed !== undefined) listed = Math.min(listed, rules.maxListed);
	return Math.max(0, listed);
}

/** Throws for rules that cannot be applied. */
export function validateRules(storeId: string, rules: ChannelRules | undefined): void {
	if (!rules) return;
	const whole = (value: number | undefined) => value === undefined || (Number.isInteger(value) && value >= 0);
	if (!whole(rules.safetyBuffer)) throw new Error(`Store "${storeId}": safety buffer must be a whole number >= 0`);
	if (!whole(rules.maxListed)) throw new Error(`Store "${storeId}": maximum listed quantity must be a whole number >= 0`);
	const percent = rules.allocationPercent;
	if (percent !== undefined && !(typeof percent === 'number' && percent >= 0 && percent <= 100)) {
		throw new Error(`Store "${storeId}": allocation must be between 0 and 100 percent`);
	}
}
