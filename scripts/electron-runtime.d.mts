export function installedElectron(): string | null;
export function findOrFetchElectron(): { bin: string; reason?: undefined } | { bin: null; reason: string };
