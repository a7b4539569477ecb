import type { ReactNode } from 'react';

/** A message strip: errors say what went wrong in the server's own words. */
export function Notice({
  kind,
  children,
  testId,
}: {
  kind: 'error' | 'warning' | 'info' | 'success' | 'critical';
  children: ReactNode;
  testId?: string;
}) {
  return (
    <div
      className={`notice notice-${kind}`}
      role={kind === 'error' || kind === 'critical' ? 'alert' : 'status'}
      data-testid={testId}
    >
      {children}
    </div>
  );
}
