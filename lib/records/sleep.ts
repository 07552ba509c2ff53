/** Waits `ms` milliseconds: the default of every wait the engine lets a caller (a test) replace. */
export const sleep = async (ms: number): Promise<void> => await new Promise<void>((resolve) => setTimeout(resolve, ms));
