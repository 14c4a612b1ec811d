// Web analytics events (web.events): cookies per device, sessions, logins.
#include <algorithm>
#include <array>

#include "generate/emitter.h"
#include "generate/format.h"

namespace zcdp::synth {
namespace {

constexpr int kMaxSessions = 64;
constexpr int kMaxDevices = 3;
// Sessions start early enough that their last event (at most ~2.1 h later) is before as_of.
constexpr int64_t kSessionRoom = int64_t{3} * 3600 * kMicrosPerSecond;
constexpr std::string_view kDeviceKinds[] = {"desktop", "mobile", "tablet"};
// Account holders log in on a browser the first time they use it, but not always.
constexpr double kFirstVisitLogin = 0.99;
constexpr double kLaterLogin = 0.45;  // a later session that starts logged out
constexpr double kStaysLoggedIn = 0.7;

// The devices of one person: a kind and whether its cookie was reset half-way.
struct Devices {
  int count = 1;
  std::array<uint8_t, kMaxDevices> kind{};
  std::array<bool, kMaxDevices> reset{};
};

// Account holders use up to three devices and sometimes clear their cookies; visitors who
// never log in mostly come back on the same browser.
Devices PickDevices(const Person& p, Rng& rng) {
  static constexpr std::array<uint32_t, 3> kAccountCounts = {50, 85, 100};
  static constexpr std::array<uint32_t, 3> kKinds = {45, 90, 100};
  Devices d;
  d.count = p.has_account ? 1 + rng.Pick(kAccountCounts) : (rng.Bernoulli(0.04) ? 2 : 1);
  const double reset = p.has_account ? 0.15 : 0.04;
  for (int i = 0; i < d.count; ++i) {
    d.kind[i] = static_cast<uint8_t>(rng.Pick(kKinds));
    d.reset[i] = rng.Bernoulli(reset);
  }
  return d;
}

int PickDevice(const Devices& d, Rng& rng) {
  if (d.count == 1 || rng.Bernoulli(0.6)) return 0;
  return 1 + static_cast<int>(rng.Uniform(d.count - 1));
}

// A browsing event after the landing page, and its path.
std::string_view Browse(Rng& rng, bool landing, std::string& path) {
  static constexpr std::array<uint32_t, 4> kCumulative = {25, 75, 90, 100};
  const int kind = landing ? static_cast<int>(rng.Uniform(2)) : rng.Pick(kCumulative);
  path.clear();
  switch (kind) {
    case 0:
      if (rng.Bernoulli(0.4)) {
        path.assign("/");
      } else {
        path.assign("/category/").append(Categories()[rng.Uniform(Categories().size())]);
      }
      return "page_view";
    case 1:
      path.assign("/products/p");
      AppendDigits(rng.Uniform(5000), 4, path);
      return "product_view";
    case 2:
      path.assign("/cart");
      return "add_to_cart";
    default:
      path.assign("/checkout");
      return "checkout";
  }
}

}  // namespace

Status PersonEmitter::EmitWeb(const Person& p) {
  if (!p.web_active) return Status::Ok();
  Rng rng(PersonSeed(world_.seed, p.id, kWebStream));
  const Devices devices = PickDevices(p, rng);
  const int sessions = 1 + rng.Geometric(p.has_account ? 0.8 : 0.6, kMaxSessions - 1);
  std::array<int64_t, kMaxSessions> starts{};
  for (int s = 0; s < sessions; ++s) {
    starts[s] = TimeBetween(rng, p.since, world_.as_of - kSessionRoom);
  }
  std::sort(starts.begin(), starts.begin() + sessions);
  if (p.has_account) UserId(world_, p, user_id_);
  uint32_t logged_in = 0;  // cookies that stay logged in between sessions
  for (int s = 0; s < sessions; ++s) {
    const int device = PickDevice(devices, rng);
    // A cleared cookie (the second half of a reset device's sessions) starts logged out.
    const int cookie = device * 2 + (devices.reset[device] && s >= sessions / 2);
    Session session{starts[s], cookie, kDeviceKinds[devices.kind[device]],
                    ((logged_in >> cookie) & 1u) && rng.Bernoulli(kStaysLoggedIn),
                    p.has_account && s == 0};
    bool ends_logged_in = false;
    ZCDP_RETURN_IF_ERROR(EmitSession(p, session, rng, &ends_logged_in));
    if (ends_logged_in) logged_in |= 1u << cookie;
  }
  return p.kiosk ? EmitKiosk(p, rng) : Status::Ok();
}

Status PersonEmitter::EmitSession(const Person& p, const Session& s, Rng& rng, bool* logged_in) {
  Cookie(world_, p, s.cookie, cookie_);
  const bool new_cookie = ((cookies_seen_ >> s.cookie) & 1u) == 0;
  if (new_cookie) ids_.Add(IdType::kAnonymousId, cookie_);
  cookies_seen_ |= 1u << s.cookie;
  const int browsing = 1 + rng.Geometric(0.75, 40);
  const bool logs_in = s.signup || (p.has_account && !s.logged_in &&
                                    rng.Bernoulli(new_cookie ? kFirstVisitLogin : kLaterLogin));
  const int total = browsing + (logs_in ? 1 : 0);
  // The login comes after the landing page (total >= 2 when logging in).
  const int login_at = logs_in ? 1 + static_cast<int>(rng.Uniform(total - 1)) : -1;
  bool user = s.logged_in;
  int64_t t = s.start;
  for (int k = 0; k < total; ++k, t += rng.Range(5, 180) * kMicrosPerSecond) {
    if (k == login_at) {
      user = true;
      ZCDP_RETURN_IF_ERROR(EmitWebEvent(p, cookie_, true, s.signup ? "signup" : "login", t,
                                        s.signup ? "/signup" : "/login", s.device));
      continue;
    }
    const std::string_view event = Browse(rng, k == 0, path_);
    ZCDP_RETURN_IF_ERROR(EmitWebEvent(p, cookie_, user, event, t, path_, s.device));
  }
  *logged_in = user;
  return Status::Ok();
}

Status PersonEmitter::EmitKiosk(const Person& p, Rng& rng) {
  UseShared(kKioskPersons);
  int64_t t = TimeBetween(rng, p.since, world_.as_of - kSessionRoom);
  ZCDP_RETURN_IF_ERROR(EmitWebEvent(p, kKioskCookie, false, "page_view", t, "/", "kiosk"));
  t += rng.Range(5, 60) * kMicrosPerSecond;
  ZCDP_RETURN_IF_ERROR(EmitWebEvent(p, kKioskCookie, true, "login", t, "/login", "kiosk"));
  const int views = 1 + static_cast<int>(rng.Uniform(3));
  for (int i = 0; i < views; ++i) {
    t += rng.Range(5, 120) * kMicrosPerSecond;
    path_.assign("/products/p");
    AppendDigits(rng.Uniform(5000), 4, path_);
    ZCDP_RETURN_IF_ERROR(EmitWebEvent(p, kKioskCookie, true, "product_view", t, path_, "kiosk"));
  }
  return Status::Ok();
}

Status PersonEmitter::EmitWebEvent(const Person& p, std::string_view anonymous_id, bool with_user,
                                   std::string_view event, int64_t time, std::string_view path,
                                   std::string_view device) {
  EventId(world_, p.id, event_index_++, event_id_);
  WebEventRow row;
  row.event_id = event_id_;
  row.anonymous_id = anonymous_id;
  if (with_user) {
    row.user_id = user_id_;
    if (!user_id_seen_) ids_.Add(IdType::kUserId, user_id_);
    user_id_seen_ = true;
  }
  row.event = event;
  row.event_time = time;
  row.path = path;
  row.device = device;
  return Put(row);
}

}  // namespace zcdp::synth
