#include "client_address.hpp"

#include <boost/asio/ip/address.hpp>
#include <charconv>

namespace bloatmeter::server {
namespace {

namespace ip = boost::asio::ip;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<IpPrefix> parse_address(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > 64) return std::nullopt;
  boost::system::error_code ec;
  auto addr = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  IpPrefix p;
  if (addr.is_v6() && addr.to_v6().is_v4_mapped())
    addr = ip::make_address_v4(ip::v4_mapped, addr.to_v6());
  if (addr.is_v4()) {
    const auto b = addr.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), p.bytes.begin());
    p.v4 = true;
    p.length = 32;
  } else {
    if (addr.to_v6().scope_id() != 0) return std::nullopt;  // a zone index names a link, not a customer
    p.bytes = addr.to_v6().to_bytes();
    p.v4 = false;
    p.length = 128;
  }
  return p;
}

void clear_host_bits(IpPrefix& p) {
  const int total = p.v4 ? 32 : 128;
  for (int bit = p.length; bit < total; ++bit) p.bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
}

std::string address_text(const IpPrefix& p) {
  if (p.v4) return ip::address_v4({p.bytes[0], p.bytes[1], p.bytes[2], p.bytes[3]}).to_string();
  return ip::address_v6(p.bytes).to_string();
}

// One element of a forwarding header: "192.0.2.1", "\"[2001:db8::1]:4711\"",
// "192.0.2.1:4711". Nothing for obfuscated identifiers ("unknown", "_x").
std::optional<IpPrefix> forwarded_node(std::string_view node) {
  node = trim(node);
  if (node.size() >= 2 && node.front() == '"' && node.back() == '"') node = node.substr(1, node.size() - 2);
  if (!node.empty() && node.front() == '[') {
    const auto close = node.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    return parse_address(node.substr(1, close - 1));
  }
  // IPv4 with a port: exactly one colon.
  if (const auto colon = node.find(':'); colon != std::string_view::npos && node.find(':', colon + 1) == std::string_view::npos)
    node = node.substr(0, colon);
  return parse_address(node);
}

// The for= nodes of a Forwarded header (RFC 7239), in order; nothing when
// any element is malformed.
std::optional<std::vector<std::optional<IpPrefix>>> forwarded_for_nodes(std::string_view header) {
  std::vector<std::optional<IpPrefix>> nodes;
  std::size_t start = 0;
  while (start <= header.size()) {
    auto end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    const auto element = header.substr(start, end - start);
    std::size_t pos = 0;
    bool found = false;
    while (pos <= element.size()) {
      auto semi = element.find(';', pos);
      if (semi == std::string_view::npos) semi = element.size();
      auto pair = trim(element.substr(pos, semi - pos));
      if (pair.size() > 4 && (pair.substr(0, 4) == "for=" || pair.substr(0, 4) == "For=" || pair.substr(0, 4) == "FOR=")) {
        nodes.push_back(forwarded_node(pair.substr(4)));
        found = true;
      }
      pos = semi + 1;
    }
    if (!found) return std::nullopt;
    start = end + 1;
  }
  return nodes;
}

std::optional<std::vector<std::optional<IpPrefix>>> x_forwarded_nodes(std::string_view header) {
  std::vector<std::optional<IpPrefix>> nodes;
  std::size_t start = 0;
  while (start <= header.size()) {
    auto end = header.find(',', start);
    if (end == std::string_view::npos) end = header.size();
    nodes.push_back(forwarded_node(header.substr(start, end - start)));
    start = end + 1;
  }
  return nodes;
}

bool is_trusted(const IpPrefix& address, const std::vector<IpPrefix>& trusted) {
  for (const auto& t : trusted)
    if (t.contains(address)) return true;
  return false;
}

}  // namespace

bool IpPrefix::contains(const IpPrefix& a) const {
  if (a.v4 != v4 || a.length < length) return false;
  for (int bit = 0; bit < length; ++bit) {
    const std::uint8_t mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
    if ((bytes[bit / 8] & mask) != (a.bytes[bit / 8] & mask)) return false;
  }
  return true;
}

std::string IpPrefix::text() const {
  const std::string address = address_text(*this);
  return length == (v4 ? 32 : 128) ? address : address + "/" + std::to_string(length);
}

std::optional<IpPrefix> parse_cidr(std::string_view text) {
  text = trim(text);
  const auto slash = text.find('/');
  auto p = parse_address(text.substr(0, slash));
  if (!p) return std::nullopt;
  if (slash != std::string_view::npos) {
    const auto bits = text.substr(slash + 1);
    int n = -1;
    const auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), n);
    if (bits.empty() || ec != std::errc{} || end != bits.data() + bits.size() || n < 0 || n > (p->v4 ? 32 : 128))
      return std::nullopt;
    p->length = n;
  }
  clear_host_bits(*p);
  return p;
}

std::optional<std::string> canonical_ip(std::string_view text) {
  if (text.find('/') != std::string_view::npos) return std::nullopt;
  const auto p = parse_address(trim(text));
  if (!p) return std::nullopt;
  return address_text(*p);
}

std::string client_address(const std::string& peer, std::string_view forwarded, std::string_view x_forwarded_for,
                           const std::vector<IpPrefix>& trusted) {
  const auto peer_address = parse_address(peer);
  if (!peer_address || trusted.empty() || !is_trusted(*peer_address, trusted)) return peer;
  auto nodes = !forwarded.empty() ? forwarded_for_nodes(forwarded)
                                  : (!x_forwarded_for.empty() ? x_forwarded_nodes(x_forwarded_for) : std::nullopt);
  if (!nodes) return peer;
  // From the right: each trusted hop vouches for the one before it; the
  // first untrusted address is the client as far as anyone we trust knows.
  for (auto it = nodes->rbegin(); it != nodes->rend(); ++it) {
    if (!*it) return peer;  // an unknown hop: nothing further left is vouched for
    if (!is_trusted(**it, trusted)) return address_text(**it);
  }
  return address_text(*nodes->front());
}

std::string kept_address(const std::string& address, IpKeeping keeping) {
  if (keeping == IpKeeping::None) return {};
  auto p = parse_address(address);
  if (!p) return keeping == IpKeeping::Full ? address : std::string();
  if (keeping == IpKeeping::Prefix) {
    p->length = p->v4 ? 24 : 56;
    clear_host_bits(*p);
  }
  return p->text();
}

}  // namespace bloatmeter::server
