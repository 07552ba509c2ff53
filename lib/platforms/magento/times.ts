/** Magento's times: UTC as `YYYY-MM-DD HH:MM:SS`, without a zone designator. */
export const toMagentoTime = (iso: string) => new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
export const fromMagentoTime = (time: string) => `${time.replace(' ', 'T')}Z`;
