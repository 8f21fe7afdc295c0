import { useSyncExternalStore } from 'react';

// Who is working: initials kept on this computer and sent with every change, for the record.
const KEY = 'trialcoord.by';
const listeners = new Set<() => void>();

export function setUser(initials: string): void {
  localStorage.setItem(KEY, initials.trim().toUpperCase());
  for (const l of listeners) l();
}

export function useUser(): string {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => localStorage.getItem(KEY) ?? '',
  );
}
