/** Plays a short two-tone alarm; browsers only allow it after the user has interacted with the page. */
export function beep(): void {
  try {
    const context = new AudioContext();
    [0, 0.35].forEach((start, i) => {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = i === 0 ? 880 : 660;
      gain.gain.value = 0.15;
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(context.currentTime + start);
      oscillator.stop(context.currentTime + start + 0.3);
    });
    setTimeout(() => void context.close(), 1500);
  } catch {
    // No audio (autoplay policy or no device): the banner and the notification remain.
  }
}
