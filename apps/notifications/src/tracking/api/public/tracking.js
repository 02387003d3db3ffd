// The tracking page's script (the HTML is tracking-page.ts): it draws the view embedded in the page
// (#view), follows /events and falls back to polling /state. Text from the server is set as text only.
(function () {
  var base = location.pathname.replace(/\/+$/, ''),
    view = JSON.parse(document.getElementById('view').textContent);
  var STEP = {
    placed: 'Order received',
    accepted: 'Accepted by the shop',
    in_production: 'Being arranged',
    ready: 'Ready to go',
    out_for_delivery: 'On the way',
    delivered: 'Delivered',
  };
  var HEAD = {
    placed: 'We have your order',
    accepted: 'The shop has accepted your order',
    rejected: 'The shop could not take this order',
    in_production: 'Your flowers are being arranged',
    ready: 'Your flowers are ready',
    out_for_delivery: 'Your flowers are on the way',
    delivered: 'Your flowers have been delivered',
    carded: 'Nobody was in: we left a card and will try again',
    delivery_failed: 'This delivery did not work out: the shop will arrange a new time',
    returned: 'The flowers went back to the shop',
    cancelled: 'This order was cancelled',
  };
  function $(id) {
    return document.getElementById(id);
  }
  function el(tag, text) {
    var e = document.createElement(tag);
    if (text != null) e.textContent = text;
    return e;
  }
  function fmt(iso, opts) {
    try {
      return new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: view.window.timeZone }, opts)).format(new Date(iso));
    } catch (e) {
      return new Date(iso).toLocaleString();
    }
  }
  function time(iso) {
    return fmt(iso, { hour: '2-digit', minute: '2-digit' });
  }
  function day(iso) {
    return fmt(iso, { weekday: 'short', day: 'numeric', month: 'short' });
  }
  function expired() {
    return view.expiresAt && Date.parse(view.expiresAt) <= Date.now();
  }
  function render() {
    if (expired()) return gone();
    document.body.dataset.status = view.status;
    $('title').textContent = view.recipientFirstName ? 'Flowers for ' + view.recipientFirstName : 'Your flower order';
    $('headline').textContent = HEAD[view.status] || view.status;
    var w = view.window,
      when;
    if (view.status === 'delivered' && view.deliveredAt) when = 'Delivered at ' + time(view.deliveredAt) + ' on ' + day(view.deliveredAt);
    else if (view.eta) when = 'Arriving at about ' + time(view.eta);
    else when = 'Expected between ' + time(w.from) + ' and ' + time(w.to) + ' on ' + day(w.from);
    if (view.deadline && view.status !== 'delivered') when += ' (needed by ' + time(view.deadline) + ')';
    $('when').textContent = when;
    var ol = $('steps');
    ol.textContent = '';
    view.steps.forEach(function (s) {
      var li = el('li', STEP[s.step]);
      li.dataset.step = s.step;
      li.dataset.state = s.state;
      if (s.reachedAt) li.appendChild(el('small', day(s.reachedAt) + ', ' + time(s.reachedAt)));
      ol.appendChild(li);
    });
    photo('arrangement', view.photos.arrangement);
    photo('proof', view.photos.proof);
    rider(view.rider);
    var m = $('messages');
    m.textContent = '';
    view.messages.forEach(function (x) {
      var p = el('p', x.text);
      p.dataset.from = x.from;
      p.appendChild(el('br'));
      p.appendChild(el('small', (x.from === 'shop' ? 'From the shop at ' : 'Sent to the shop at ') + time(x.sentAt)));
      m.appendChild(p);
    });
    $('expires').textContent = view.expiresAt ? 'This link stops working on ' + day(view.expiresAt) + ' at ' + time(view.expiresAt) + '.' : '';
  }
  function photo(kind, path) {
    var s = $(kind),
      img = s.querySelector('img');
    s.hidden = !path;
    if (path && img.getAttribute('src') !== base + '/' + path) img.src = base + '/' + path;
  }
  // The server sends only the rider's offset from the destination: the page never learns either's coordinates.
  function rider(r) {
    var s = $('rider');
    s.hidden = !r;
    if (!r) return;
    var k = 90 / Math.max(300, r.distanceM),
      d = r.distanceM,
      dot = $('dot');
    dot.setAttribute('cx', (r.eastM * k).toFixed(1));
    dot.setAttribute('cy', (-r.northM * k).toFixed(1));
    $('distance').textContent = (d < 1000 ? Math.round(d / 10) * 10 + ' m away' : (d / 1000).toFixed(1) + ' km away') + ', updated ' + time(r.recordedAt);
  }
  function gone() {
    document.body.dataset.status = 'gone';
    $('page').hidden = true;
    $('gone').hidden = false;
    if (es) es.close();
  }
  var es = null,
    poll = null;
  function check() {
    fetch(base + '/state', { cache: 'no-store' })
      .then(function (r) {
        if (r.status === 404) return gone();
        if (r.ok)
          return r.json().then(function (v) {
            view = v;
            render();
          });
      })
      .catch(function () {});
  }
  function connect() {
    if (!window.EventSource) {
      poll = setInterval(check, 15000);
      return;
    }
    es = new EventSource(base + '/events');
    es.addEventListener('state', function (e) {
      view = JSON.parse(e.data);
      render();
      $('live').hidden = false;
    });
    es.addEventListener('position', function (e) {
      view.rider = JSON.parse(e.data).rider;
      rider(view.rider);
    });
    es.onerror = function () {
      $('live').hidden = true;
      check();
    };
  }
  $('send').addEventListener('submit', function (e) {
    e.preventDefault();
    var t = $('text'),
      text = t.value.trim(),
      b = e.target.querySelector('button');
    if (!text) return;
    b.disabled = true;
    $('sendnote').textContent = 'Sending…';
    fetch(base + '/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: text }) })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) throw new Error(body.message || 'not sent');
          view.messages.push({ from: 'customer', text: body.text, sentAt: body.sentAt });
          t.value = '';
          $('sendnote').textContent = 'Sent to the shop.';
          render();
        });
      })
      .catch(function (err) {
        $('sendnote').textContent = 'Not sent: ' + err.message;
      })
      .then(function () {
        b.disabled = false;
      });
  });
  setInterval(function () {
    if (expired()) gone();
  }, 60000);
  render();
  connect();
})();
