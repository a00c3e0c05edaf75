//! Machines to `compute` blocks: the machines that a `compute ... count N`
//! block lowers to (one setting, numbered names, one subnet) gathered into
//! that block, and the load balancer whose backend pool holds exactly their
//! network interfaces folded in as its `load_balancer`
//! (`crate::blocks::compute::lower_load_balancer` is the shape read back).

use super::{string_literal, write_common, write_names, Common, Context, Mapper, Node};
use std::collections::HashMap;

const LOAD_BALANCER: &str = "Microsoft.Network/loadBalancers";
const NIC: &str = "Microsoft.Network/networkInterfaces";

/// One machine as read, before it is written alone or with others.
pub(super) struct Draft {
    pub group: String,
    pub block: String,
    pub common: Common,
    /// The block's lines, each with the template's value it was read from.
    pub lines: Vec<(String, Option<Node>)>,
    pub image_block: Option<String>,
    pub node: Node,
    /// The machine's and its network interface's Azure names.
    pub vm: String,
    pub nic: String,
    /// The load balancers whose backend pools the interface is in, by name.
    pub pools: Vec<String>,
    /// The network and subnet the machines join, as the template names them.
    pub subnet: Option<(String, String)>,
}

/// Lines that differ from machine to machine of one block: its zone, its
/// address, its computer name and its update group.
const OWN: &[&str] = &["zones = ", "ips = ", "computer_name = ", "updates = "];

/// The load balancer a backend pool's ID names.
pub(super) fn balancer_of_pool(id: &str) -> Option<String> {
    let parts: Vec<&str> = id.split('/').collect();
    let at = parts.iter().position(|p| p.eq_ignore_ascii_case("loadBalancers"))?;
    parts.get(at + 1).map(|s| s.to_string())
}

/// A name with a number among its `-`-separated parts, the last such: its
/// pattern with `{index}` in the number's place, and the number.
/// `vm-nva-2` is (`vm-nva-{index}`, 2), `vm-web-2-prod-we` (`vm-web-{index}-prod-we`, 2).
fn numbered(name: &str) -> Option<(String, usize)> {
    let parts: Vec<&str> = name.split('-').collect();
    let at = (1..parts.len()).rev().find(|&i| parts[i].parse::<usize>().is_ok_and(|n| n > 0) && !parts[i].starts_with('0'))?;
    let n = parts[at].parse::<usize>().ok()?;
    let mut pattern = parts.clone();
    pattern[at] = "{index}";
    Some((pattern.join("-"), n))
}

/// The block name of machines named after `pattern`: the pattern without its number.
fn stem(pattern: &str) -> String {
    pattern.replace("-{index}", "")
}

/// A line's value after `key`, if it is that line.
fn value<'a>(draft: &'a Draft, key: &str) -> Option<&'a str> {
    draft.lines.iter().find_map(|(t, _)| t.strip_prefix(key))
}

/// What must be the same for machines to be one block: every line but their
/// own, their block's name left out, and their region and tags.
fn shape(d: &Draft) -> String {
    let lines: Vec<String> = d.lines.iter().filter(|(t, _)| !OWN.iter().any(|k| t.starts_with(k))).map(|(t, _)| t.replace(&d.block, "\0")).collect();
    let tags: Vec<String> = d.common.tags.iter().map(|(k, v, _)| format!("{k}={v}")).collect();
    format!("{:?}|{:?}|{:?}|{}", d.common.location, tags, d.image_block.as_ref().map(|i| i.replace(&d.block, "\0")), lines.join("\n"))
}

/// The lines that a gathered block writes in place of its machines' own:
/// `None` when the machines' zones, addresses or computer names are not what
/// a block with `count` gives them.
fn own_lines(drafts: &[&Draft]) -> Option<HashMap<&'static str, Option<String>>> {
    let mut out = HashMap::new();
    // Zones and update groups: machine i takes value i of the list, in turn.
    for key in ["zones = ", "updates = "] {
        let values: Vec<Option<&str>> = drafts.iter().map(|d| value(d, key)).collect();
        if values.iter().all(Option::is_none) {
            out.insert(key, None);
            continue;
        }
        let values: Vec<&str> = values.into_iter().collect::<Option<Vec<_>>>()?;
        let mut list: Vec<&str> = Vec::new();
        for v in &values {
            if !list.contains(v) {
                list.push(v);
            }
        }
        if values.iter().enumerate().any(|(i, v)| list[i % list.len()] != *v) || list.iter().any(|v| v.contains(',')) {
            return None;
        }
        let list: Vec<&str> = list.iter().map(|v| v.trim_start_matches('[').trim_end_matches(']')).collect();
        let text = if key == "updates = " && list.len() == 1 { list[0].to_string() } else { format!("[{}]", list.join(", ")) };
        out.insert(key, Some(text));
    }
    // Static addresses: the first machines', in order; the rest dynamic.
    let ips: Vec<Option<&str>> = drafts.iter().map(|d| value(d, "ips = ")).collect();
    let known = ips.iter().take_while(|ip| ip.is_some()).count();
    if ips[known..].iter().any(Option::is_some) {
        return None;
    }
    let ips: Vec<&str> = ips.iter().flatten().map(|ip| ip.trim_start_matches('[').trim_end_matches(']')).collect();
    out.insert("ips = ", (!ips.is_empty()).then(|| format!("[{}]", ips.join(", "))));
    // Computer names: the Azure names, or one name numbered `-1` to `-N`, or
    // with the number in place of `{n}`.
    let names: Vec<Option<&str>> = drafts.iter().map(|d| value(d, "computer_name = ")).collect();
    if names.iter().all(Option::is_none) {
        out.insert("computer_name = ", None);
    } else {
        let names: Vec<String> = names.into_iter().collect::<Option<Vec<_>>>()?.iter().map(|n| n.trim_matches('"').to_string()).collect();
        let fits =
            |written: &str| names.iter().enumerate().all(|(i, n)| *n == crate::blocks::compute::numbered_computer_name(written, names.len(), i));
        let dashed = names[0].strip_suffix("-1").map(str::to_string);
        let placed = names[0].rfind('1').map(|at| format!("{}{{n}}{}", &names[0][..at], &names[0][at + 1..]));
        let written = dashed.into_iter().chain(placed).find(|w| fits(w))?;
        out.insert("computer_name = ", Some(string_literal(&written)));
    }
    Some(out)
}

impl Mapper {
    /// Writes the machines: those a `compute` block with `count` lowers to as
    /// that block, every other alone; each with its load balancer when that
    /// balances exactly its machines.
    pub(super) fn write_machines(&mut self, cx: &Context, drafts: Vec<Draft>) {
        // Candidates: machines of one resource group whose machine and
        // interface names are numbered alike, `vm-nva-1` with `nic-nva-1`.
        let mut candidates: HashMap<(String, String, String), Vec<usize>> = HashMap::new();
        for (i, d) in drafts.iter().enumerate() {
            if let (Some((vm, n)), Some((nic, m))) = (numbered(&d.vm), numbered(&d.nic)) {
                if n == m {
                    candidates.entry((d.group.to_ascii_lowercase(), vm, nic)).or_default().push(i);
                }
            }
        }
        let mut blocks: Vec<Vec<usize>> = Vec::new();
        let mut taken = vec![false; drafts.len()];
        let mut keys: Vec<_> = candidates.into_iter().collect();
        keys.sort_by_key(|(_, members)| members[0]);
        for (_, mut members) in keys {
            members.sort_by_key(|&i| numbered(&drafts[i].vm).map(|(_, n)| n));
            let numbers_run = members.iter().enumerate().all(|(at, &i)| numbered(&drafts[i].vm).map(|(_, n)| n) == Some(at + 1));
            let alike = members.iter().all(|&i| shape(&drafts[i]) == shape(&drafts[members[0]]));
            let own = own_lines(&members.iter().map(|&i| &drafts[i]).collect::<Vec<_>>());
            if members.len() > 1 && numbers_run && alike && own.is_some() {
                for &i in &members {
                    taken[i] = true;
                }
                blocks.push(members);
            }
        }
        blocks.extend(taken.iter().enumerate().filter(|(_, t)| !**t).map(|(i, _)| vec![i]));
        blocks.sort_by_key(|members| members[0]);

        for members in blocks {
            let ds: Vec<&Draft> = members.iter().map(|&i| &drafts[i]).collect();
            let first = ds[0];
            let gathered = ds.len() > 1;
            let block = match numbered(&first.vm) {
                Some((pattern, _)) if gathered => self.names.claim(&stem(&pattern)),
                _ => first.block.clone(),
            };
            let balancer = self.balancer(cx, &ds, &block);
            let own = if gathered { own_lines(&ds) } else { None };

            let w = self.file(&first.group);
            if let Some(image) = &first.image_block {
                w.line(0, image, Some(&first.node));
            }
            w.line(0, &format!("compute {block} {{"), Some(&first.node));
            w.line(1, &format!("resource_group = {}", string_literal(&first.group)), None);
            write_common(w, &first.common);
            if own.is_some() {
                w.line(1, &format!("count = {}", ds.len()), None);
            }
            let mut placed: Vec<&str> = Vec::new();
            for (text, from) in &first.lines {
                match (OWN.iter().find(|k| text.starts_with(*k)), &own) {
                    (Some(key), Some(own)) => {
                        placed.push(key);
                        if let Some(Some(v)) = own.get(key) {
                            w.line(1, &format!("{key}{v}"), from.as_ref());
                        }
                    }
                    _ => w.line(1, text, from.as_ref()),
                }
            }
            if let Some(own) = &own {
                // The first machine has no address where later ones would: none do.
                for key in OWN.iter().filter(|k| !placed.contains(k)) {
                    if let Some(Some(v)) = own.get(key) {
                        w.line(1, &format!("{key}{v}"), None);
                    }
                }
            }
            let mut names: Vec<(&str, String)> = Vec::new();
            if gathered {
                let (vm, _) = numbered(&first.vm).unwrap_or_default();
                let (nic, _) = numbered(&first.nic).unwrap_or_default();
                // By default machine N of block B is `B-N`, its interface `B-N-nic`.
                if vm != format!("{block}-{{index}}") {
                    names.push(("virtual_machine", vm));
                }
                names.push(("network_interface", nic));
            } else {
                names.push(("virtual_machine", first.vm.clone()));
                if first.nic != format!("{}-nic", first.vm) {
                    names.push(("network_interface", first.nic.clone()));
                }
            }
            if let Some((text, from, lb_names)) = &balancer {
                w.line(1, text, Some(from));
                names.extend(lb_names.iter().map(|(k, v)| (*k, v.clone())));
            }
            let names: Vec<(&str, &str)> = names.iter().map(|(k, v)| (*k, v.as_str())).collect();
            write_names(w, &block, &names);
            w.line(0, "}", None);
        }
    }

    /// The `load_balancer` of the block of machines `ds`: its line, where it
    /// was read from, and its Azure names; `None` (and the balancer left a
    /// comment) when its backend pool holds other interfaces too, or it is not
    /// what a `load_balancer` block lowers to.
    #[allow(clippy::type_complexity)]
    pub(super) fn balancer(&mut self, cx: &Context, ds: &[&Draft], block: &str) -> Option<(String, Node, Vec<(&'static str, String)>)> {
        let name = ds[0].pools.first()?.clone();
        let same = |d: &&Draft| d.pools.len() == 1 && d.pools[0].eq_ignore_ascii_case(&name);
        let (at, lb) = cx.resources.iter().enumerate().find(|(_, r)| r.is(LOAD_BALANCER) && r.name.eq_ignore_ascii_case(&name))?;
        // Every interface in the pool is one of the block's.
        let members: Vec<String> = ds.iter().map(|d| d.nic.to_ascii_lowercase()).collect();
        let outside = cx.resources.iter().filter(|r| r.is(NIC) && !members.contains(&r.name.to_ascii_lowercase())).any(|r| {
            r.props().and_then(|p| p.get("ipConfigurations")).is_some_and(|c| {
                c.items().iter().any(|c| {
                    c.at(&["properties", "loadBalancerBackendAddressPools"]).is_some_and(|p| {
                        p.items()
                            .iter()
                            .any(|p| p.get("id").and_then(Node::as_str).and_then(balancer_of_pool).is_some_and(|n| n.eq_ignore_ascii_case(&name)))
                    })
                })
            })
        });
        let unlike = |m: &mut Mapper, why: &str| {
            m.note(&lb.node, format!("load balancer `{}` {why}; it stays a comment and the machines' backend pool is left out", lb.name));
            None
        };
        if !ds.iter().all(same) || outside {
            return unlike(self, "balances other machines than one `compute` block's");
        }
        let props = lb.props()?;
        let list = |k: &str| props.get(k).map(|n| n.items().to_vec()).unwrap_or_default();
        let (frontends, pools, probes, rules) =
            (list("frontendIPConfigurations"), list("backendAddressPools"), list("probes"), list("loadBalancingRules"));
        let standard = lb.node.at(&["sku", "name"]).and_then(Node::as_str).is_some_and(|s| s.eq_ignore_ascii_case("standard"));
        if !standard
            || frontends.len() != 1
            || pools.len() != 1
            || probes.len() != 1
            || rules.is_empty()
            || !list("inboundNatRules").is_empty()
            || !list("outboundRules").is_empty()
        {
            return unlike(
                self,
                "is not a Standard load balancer of one frontend, one backend pool, one probe and its rules, as a `load_balancer` block writes",
            );
        }
        let probe = probes[0].at(&["properties", "port"]).and_then(Node::as_i64);
        let probe_tcp = probes[0].at(&["properties", "protocol"]).and_then(Node::as_str).is_some_and(|p| p.eq_ignore_ascii_case("tcp"));
        let rule = |r: &Node, k: &str| r.at(&["properties", k]).cloned();
        let protocols: Vec<String> = rules.iter().filter_map(|r| rule(r, "protocol")?.as_str().map(str::to_ascii_lowercase)).collect();
        let ha_ports = rules.len() == 1 && protocols.first().is_some_and(|p| p == "all");
        let mut ports = Vec::new();
        for r in &rules {
            let (front, back) = (rule(r, "frontendPort").and_then(|n| n.as_i64()), rule(r, "backendPort").and_then(|n| n.as_i64()));
            match (front, back) {
                (Some(f), Some(b)) if f == b && !ha_ports => ports.push(f),
                (Some(0), Some(0)) if ha_ports => {}
                _ => return unlike(self, "has a rule with other frontend and backend ports, which a `load_balancer` block balances alike"),
            }
        }
        let protocol = protocols.first().cloned().unwrap_or_default();
        if protocols.len() != rules.len() || protocols.iter().any(|p| *p != protocol) || (!ha_ports && protocol != "tcp" && protocol != "udp") {
            return unlike(self, "balances several protocols, where a `load_balancer` block balances one");
        }
        let (Some(probe), true) = (probe, probe_tcp) else {
            return unlike(self, "has a probe other than TCP on a known port");
        };

        let front = frontends[0].get("properties");
        let mut names: Vec<(&'static str, String)> = Vec::new();
        let mut parts: Vec<String> = Vec::new();
        let kind = if let Some(pip) = front.and_then(|f| f.get("publicIPAddress")) {
            let pip_name = super::id_name(Some(pip))?;
            let Some(pip_at) = cx.resources.iter().position(|r| r.is(super::PUBLIC_IP) && r.name.eq_ignore_ascii_case(&pip_name)) else {
                return unlike(self, "has a public IP address the template does not deploy");
            };
            self.used[pip_at] = true;
            names.push(("public_load_balancer", lb.name.clone()));
            let pattern = super::hub::public_ip_pattern(&lb.name, &pip_name);
            if pattern != "{name}-pip" {
                names.push(("public_ip", pattern));
            }
            "public"
        } else {
            // The frontend is in the machines' subnet.
            let subnet_of = |n: Option<&Node>| n.and_then(|n| n.at(&["subnet", "id"])).and_then(Node::as_str).and_then(super::machines::subnet_of_id);
            let machines = ds[0].subnet.clone();
            let same = |a: &(String, String), b: &(String, String)| a.0.eq_ignore_ascii_case(&b.0) && a.1.eq_ignore_ascii_case(&b.1);
            if !subnet_of(front).zip(machines).is_some_and(|(a, b)| same(&a, &b)) {
                return unlike(self, "has its frontend in another subnet than its machines, where a `load_balancer` block puts it in theirs");
            }
            if ha_ports {
                parts.push("ha_ports = true".into());
            }
            names.push(("load_balancer", lb.name.clone()));
            match front.and_then(|f| f.get("privateIPAddress")).and_then(Node::as_str) {
                Some(ip) => parts.push(format!("ip = {ip}")),
                None => self.note(
                    &frontends[0],
                    format!("load balancer `{}`'s frontend address is not known before deployment; the plan picks one", lb.name),
                ),
            }
            "private"
        };
        if !ports.is_empty() {
            parts.push(format!("ports = [{}]", ports.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")));
        }
        if protocol == "udp" {
            parts.push("protocol = udp".into());
        }
        if ports.first() != Some(&probe) {
            parts.push(format!("probe = {probe}"));
        }
        self.used[at] = true;
        names.retain(|(_, v)| v != block);
        Some((format!("load_balancer {kind} {{ {} }}", parts.join("  ")), lb.node.clone(), names))
    }
}
