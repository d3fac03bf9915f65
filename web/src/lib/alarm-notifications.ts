// The device's alarm notifications (docs/architecture.md, "Reach"): each carries its alert's id in
// its data, so that whatever ends the alert (an answer, an all clear, a closure) closes it, from
// the service worker or from an open page alike.

/** Closes the notifications shown on this device for any of `alertIds`. */
export async function closeAlarmNotifications(registration: ServiceWorkerRegistration, alertIds: readonly string[]): Promise<void> {
  if (alertIds.length === 0) return;
  const ids = new Set(alertIds);
  for (const shown of await registration.getNotifications()) if (ids.has((shown.data as { alertId?: string } | null)?.alertId ?? '')) shown.close();
}
