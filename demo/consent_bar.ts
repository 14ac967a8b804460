/**
 * The shopper's consent, shown in the shop itself (not only in the inspector): a floating status line with a
 * switch, and a banner while the shop waits for an answer (it floats, so it never moves the page). Both go through `tastebud('consent', …)`, which
 * remembers the choice on this device, so a reload shows the same state.
 */

function button(text: string, testid: string, onClick: () => void): HTMLButtonElement {
  const b = Object.assign(document.createElement('button'), { type: 'button', textContent: text });
  b.dataset.testid = testid;
  b.addEventListener('click', onClick);
  return b;
}

/** Mounts the bar after `anchor` and keeps it in step with every consent change made through it. */
export async function startConsentBar(anchor: Element, onChange: () => void): Promise<void> {
  const bar = document.createElement('div');
  bar.className = 'consent-bar';
  bar.setAttribute('role', 'status');
  anchor.after(bar);
  const set = async (granted: boolean): Promise<void> => {
    await window.tastebud('consent', granted);
    await render();
    onChange();
  };
  const render = async (): Promise<void> => {
    const state = String(await window.tastebud('consent'));
    const line = Object.assign(document.createElement('span'), {
      textContent: state === 'granted' ? 'Recommendations are personalised in this browser only.' : state === 'pending' ? 'May this shop learn your taste in this browser? Nothing leaves your device.' : 'Recommendations are not personalised.',
    });
    line.dataset.testid = 'shop-consent';
    bar.dataset.state = state;
    if (state === 'pending') bar.replaceChildren(line, button('Allow', 'consent-allow', () => void set(true)), button('No thanks', 'consent-deny', () => void set(false)));
    else if (state === 'granted') bar.replaceChildren(line, button('Turn off', 'consent-withdraw', () => void set(false)));
    else bar.replaceChildren(line, button('Turn on', 'consent-allow', () => void set(true)));
  };
  await render();
}
