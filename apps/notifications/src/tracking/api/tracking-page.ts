import type { TrackingView } from '../domain/tracking-view';

/**
 * The customer's tracking page: one small HTML document with its CSS and script inline, no
 * framework, no fonts, nothing from another site, so it opens fast on a slow phone and needs no app.
 * The first view is embedded in the page; the script then follows /events (server-sent events) and
 * falls back to polling /state. Everything the server sends is put on the page as text, never as HTML.
 * The rider is drawn as a dot on a small SVG plot around the destination (no map tiles: nothing is
 * loaded from a map provider, and the recipient's address never reaches the page).
 */

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;background:#faf7f5}
main{max-width:34rem;margin:0 auto;padding:1rem}h1{font-size:1.35rem;margin:.2rem 0 .6rem}h2{font-size:1rem;margin:0 0 .5rem}
section{background:#fff;border-radius:12px;padding:1rem;margin:0 0 .8rem;box-shadow:0 1px 3px #0001}
#headline{font-size:1.1rem;font-weight:600;margin:0}#when{margin:.3rem 0 0;color:#444}
ol{list-style:none;margin:0;padding:0}li{position:relative;padding:0 0 .9rem 1.8rem;color:#888}li:last-child{padding-bottom:0}
li:before{content:"";position:absolute;left:.2rem;top:.3rem;width:.8rem;height:.8rem;border-radius:50%;border:2px solid #ccc;background:#fff}
li:after{content:"";position:absolute;left:.6rem;top:1.3rem;bottom:0;width:2px;background:#ddd}li:last-child:after{display:none}
li[data-state=done]{color:#222}li[data-state=done]:before{background:#2e7d32;border-color:#2e7d32}
li[data-state=current]{color:#222;font-weight:600}li[data-state=current]:before{border-color:#c2185b;background:#f8bbd0}
li small{display:block;font-weight:400;color:#666}
svg{display:block;width:100%;max-width:16rem;margin:0 auto}img{display:block;width:100%;border-radius:8px}
textarea{width:100%;min-height:5rem;font:inherit;padding:.5rem;border:1px solid #bbb;border-radius:8px}
button{margin-top:.5rem;font:inherit;padding:.6rem 1rem;border:0;border-radius:8px;background:#c2185b;color:#fff}
#messages p{margin:.4rem 0;padding:.5rem .7rem;background:#f3e5f5;border-radius:8px;white-space:pre-wrap;overflow-wrap:anywhere}#messages p[data-from=shop]{background:#e8f5e9}
#messages small,.note{color:#666;font-size:.85rem}#live{float:right;font-size:.8rem;color:#2e7d32}[hidden]{display:none!important}
`;

const SCRIPT = `
(function(){
var base=location.pathname.replace(/\\/+$/,''),view=JSON.parse(document.getElementById('view').textContent),trail=[];
var STEP={placed:'Order received',accepted:'Accepted by the shop',in_production:'Being arranged',ready:'Ready to go',out_for_delivery:'On the way',delivered:'Delivered'};
var HEAD={placed:'We have your order',accepted:'The shop has accepted your order',rejected:'The shop could not take this order',in_production:'Your flowers are being arranged',ready:'Your flowers are ready',out_for_delivery:'Your flowers are on the way',delivered:'Your flowers have been delivered',carded:'Nobody was in: we left a card and will try again',delivery_failed:'This delivery did not work out: the shop will arrange a new time',returned:'The flowers went back to the shop',cancelled:'This order was cancelled'};
function $(id){return document.getElementById(id)}
function el(tag,text){var e=document.createElement(tag);if(text!=null)e.textContent=text;return e}
function fmt(iso,opts){try{return new Intl.DateTimeFormat(undefined,Object.assign({timeZone:view.window.timeZone},opts)).format(new Date(iso))}catch(e){return new Date(iso).toLocaleString()}}
function time(iso){return fmt(iso,{hour:'2-digit',minute:'2-digit'})}
function day(iso){return fmt(iso,{weekday:'short',day:'numeric',month:'short'})}
function expired(){return view.expiresAt&&Date.parse(view.expiresAt)<=Date.now()}
function render(){
 if(expired())return gone();
 document.body.dataset.status=view.status;
 $('title').textContent=view.recipientFirstName?'Flowers for '+view.recipientFirstName:'Your flower order';
 $('headline').textContent=HEAD[view.status]||view.status;
 var w=view.window,when;
 if(view.status==='delivered'&&view.deliveredAt)when='Delivered at '+time(view.deliveredAt)+' on '+day(view.deliveredAt);
 else if(view.eta)when='Arriving at about '+time(view.eta);
 else when='Expected between '+time(w.from)+' and '+time(w.to)+' on '+day(w.from);
 if(view.deadline&&view.status!=='delivered')when+=' (needed by '+time(view.deadline)+')';
 $('when').textContent=when;
 var ol=$('steps');ol.textContent='';
 view.steps.forEach(function(s){var li=el('li',STEP[s.step]);li.dataset.step=s.step;li.dataset.state=s.state;if(s.reachedAt)li.appendChild(el('small',day(s.reachedAt)+', '+time(s.reachedAt)));ol.appendChild(li)});
 photo('arrangement',view.photos.arrangement);photo('proof',view.photos.proof);
 rider(view.rider);
 var m=$('messages');m.textContent='';
 view.messages.forEach(function(x){var p=el('p',x.text);p.dataset.from=x.from;p.appendChild(el('br'));p.appendChild(el('small',(x.from==='shop'?'From the shop at ':'Sent to the shop at ')+time(x.sentAt)));m.appendChild(p)});
 $('expires').textContent=view.expiresAt?'This link stops working on '+day(view.expiresAt)+' at '+time(view.expiresAt)+'.':'';
}
function photo(kind,path){var s=$(kind),img=s.querySelector('img');s.hidden=!path;if(path&&img.getAttribute('src')!==base+'/'+path)img.src=base+'/'+path}
function rider(r){
 var s=$('rider');s.hidden=!r;if(!r){trail=[];return}
 var x=0,y=0,d;
 if(r.relativeTo==='destination'){var k=90/Math.max(300,r.distanceM);x=r.eastM*k;y=-r.northM*k;d=r.distanceM;$('dest').removeAttribute('hidden')}
 else{if(!trail.length||trail[trail.length-1].recordedAt!==r.recordedAt)trail.push(r);if(trail.length>30)trail.shift();var o=trail[0],m=111320,c=Math.cos(o.lat*Math.PI/180);
  var pts=trail.map(function(p){return[(p.lng-o.lng)*m*c,(o.lat-p.lat)*m]}),k=90/Math.max(300,Math.max.apply(null,pts.map(function(p){return Math.max(Math.abs(p[0]),Math.abs(p[1]))})));
  x=pts[pts.length-1][0]*k;y=pts[pts.length-1][1]*k;$('path').setAttribute('points',pts.map(function(p){return p[0]*k+','+p[1]*k}).join(' '));$('dest').setAttribute('hidden','')}
 var dot=$('dot');dot.setAttribute('cx',x.toFixed(1));dot.setAttribute('cy',y.toFixed(1));
 $('distance').textContent=(d!=null?(d<1000?Math.round(d/10)*10+' m away':(d/1000).toFixed(1)+' km away')+', ':'')+'updated '+time(r.recordedAt);
}
function gone(){document.body.dataset.status='expired';$('page').hidden=true;$('gone').hidden=false;if(es)es.close()}
var es=null,poll=null;
function check(){fetch(base+'/state',{cache:'no-store'}).then(function(r){if(r.status===410||r.status===404)return gone();if(r.ok)return r.json().then(function(v){view=v;render()})}).catch(function(){})}
function connect(){
 if(!window.EventSource){poll=setInterval(check,15000);return}
 es=new EventSource(base+'/events');
 es.addEventListener('state',function(e){view=JSON.parse(e.data);render();$('live').hidden=false});
 es.addEventListener('position',function(e){view.rider=JSON.parse(e.data).rider;rider(view.rider)});
 es.onerror=function(){$('live').hidden=true;check()};
}
$('send').addEventListener('submit',function(e){
 e.preventDefault();var t=$('text'),text=t.value.trim(),b=e.target.querySelector('button');if(!text)return;b.disabled=true;$('sendnote').textContent='Sending…';
 fetch(base+'/messages',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({text:text})}).then(function(r){
  return r.json().then(function(body){if(!r.ok)throw new Error(body.message||'not sent');view.messages.push({from:'customer',text:body.text,sentAt:body.sentAt});t.value='';$('sendnote').textContent='Sent to the shop.';render()})
 }).catch(function(err){$('sendnote').textContent='Not sent: '+err.message}).then(function(){b.disabled=false});
});
setInterval(function(){if(expired())gone()},60000);
render();connect();
})();
`;

export interface PageOptions {
  view: TrackingView;
  /** A fresh value per response, for the Content-Security-Policy. */
  nonce: string;
}

export function trackingPage({ view, nonce }: PageOptions): string {
  // Inside <script>, only "</" could end it early: escape every "<".
  const embedded = JSON.stringify(view).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>Your flower order</title><style nonce="${nonce}">${STYLE}</style></head>
<body><main>
<div id="page">
<h1 id="title">Your flower order</h1>
<section><span id="live" hidden>● live</span><p id="headline"></p><p id="when"></p></section>
<section id="rider" hidden><h2>Where your flowers are</h2>
<svg viewBox="-110 -110 220 220" role="img" aria-label="The rider on the way"><circle r="105" fill="#f1f8e9"/><polyline id="path" fill="none" stroke="#c2185b" stroke-opacity=".4" stroke-width="3"/>
<g id="dest"><circle r="8" fill="#2e7d32"/><text y="24" text-anchor="middle" font-size="12">destination</text></g><circle id="dot" r="9" fill="#c2185b" stroke="#fff" stroke-width="3"/></svg>
<p id="distance" class="note"></p></section>
<section><h2>Progress</h2><ol id="steps"></ol></section>
<section id="arrangement" hidden><h2>Your arrangement</h2><img alt="The finished arrangement"></section>
<section id="proof" hidden><h2>Delivered</h2><img alt="Photo taken at delivery"></section>
<section><h2>Message the shop</h2><div id="messages"></div>
<form id="send"><textarea id="text" maxlength="1000" aria-label="Your message to the shop" placeholder="A question about this order?"></textarea><button>Send</button> <span id="sendnote" class="note"></span></form></section>
<p id="expires" class="note"></p>
</div>
<section id="gone" hidden><h1>This link has expired</h1><p>Tracking ends a little while after delivery. For anything about this order, please contact the shop.</p></section>
<noscript><p>This page needs JavaScript to show your order's progress.</p></noscript>
</main>
<script type="application/json" id="view">${embedded}</script>
<script nonce="${nonce}">${SCRIPT}</script>
</body></html>`;
}

/** The friendly page for a link that is not (or no longer) valid. */
export function noticePage(kind: 'not_found' | 'expired', nonce: string): string {
  const [title, text] =
    kind === 'expired'
      ? ['This link has expired', 'Tracking ends a little while after delivery. For anything about this order, please contact the shop.']
      : ['We could not find this order', 'The link may be incomplete: please open it again from the message the shop sent you, or ask the shop for a new one.'];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${title}</title>
<style nonce="${nonce}">body{margin:0;font:16px/1.45 system-ui,sans-serif;color:#222;background:#faf7f5}main{max-width:34rem;margin:0 auto;padding:2rem 1rem}h1{font-size:1.35rem}</style></head>
<body><main><h1>${title}</h1><p>${text}</p></main></body></html>`;
}
