// The benign traps: activity from the seeds' false-positive lists that a correct engine must not
// report, some of it only once the tuning file says what is known (trusted networks, service
// and admin accounts).
#include "simulate/exportformat.h"
#include "simulate/places.h"
#include "simulate/scenario.h"

#include <algorithm>

namespace mp::sim {

namespace {

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;

std::string when(std::int64_t ms)
{
    return isoSeconds(ms, true);
}

} // namespace

void benignTravelScenario(ScenarioContext &c)
{
    const Place hotel = places::hotelLondon();
    const std::int64_t leaveOffice = Tenant::at(2, 19, 30);
    const std::int64_t firstInLondon = Tenant::at(3, 8, 5, 12);
    // Wednesday: a short day, then JFK 22:30 UTC to Heathrow 05:30 UTC; Thursday and Friday she
    // works from the hotel on London hours.
    const User grace = c.addUser("grace.park", "Grace Park", 46, "Sales", [=](int day, DayPlan &plan) {
        if (day == 2) {
            plan.works = true;
            plan.places = {places::office()};
            plan.startMs = Tenant::at(2, 12, 40, 3);
            plan.endMs = leaveOffice;
            plan.evening = false;
        } else if (day >= 3) {
            plan.works = true;
            plan.places = {hotel};
            plan.startMs = day == 3 ? firstInLondon : Tenant::at(4, 7, 48, 40);
            plan.endMs = plan.startMs + 8 * 60 * kMinute;
            plan.evening = false;
        }
    });
    c.trap({"ImpossibleTravel"}, grace, {places::office().ip, hotel.ip}, Tenant::at(2, 12, 40, 3), firstInLondon, "",
           "New York to London (about 5,570 km) with more than 12 hours between the last sign-in in New York "
           "and the first in London: 450 km/h at most, a flight");
    c.story("benign-travel (trap)\n"
            "  " + grace.upn + " works in the New York office until " + when(leaveOffice) + ", flies overnight, and signs in\n"
            "  from " + hotel.ip + " (" + hotel.network + ", London) at " + when(firstInLondon)
            + " and all Friday.\n"
            "  Must not raise ImpossibleTravel: the speed is a flight's. No tuning needed.");
}

void benignVpnScenario(ScenarioContext &c)
{
    RecordBuilder &b = c.build();
    const Place us = places::vpnEgressUs();
    const Place nl = places::vpnEgressNl();
    // Tuesday over the corporate VPN, whose client picks the exit with the lowest latency: the US
    // exit, the Amsterdam-area exit from mid-afternoon, then the US exit again.
    const std::int64_t start = Tenant::at(1, 13, 2, 44);
    const User victor = c.addUser("victor.nash", "Victor Nash", 47, "Engineering", [=](int day, DayPlan &plan) {
        if (day == 1) {
            plan.works = true;
            plan.places = {us, nl, us};
            plan.startMs = start;
            plan.endMs = Tenant::at(1, 21, 0, 0);
            plan.evening = false;
            plan.noise = false;
        }
    });
    // Reconnects make him sign in again in the browser, minutes after the exit changed.
    const std::int64_t nlAt = Tenant::at(1, 15, 41, 10);
    const std::int64_t usAt = Tenant::at(1, 18, 21, 30);
    const SignIn inNl = b.signIn(victor, nl, nlAt, ClientApp::OutlookWeb, true);
    b.auditSignIn(victor, inNl);
    const SignIn inUs = b.signIn(victor, us, usAt, ClientApp::OutlookWeb, true);
    b.auditSignIn(victor, inUs);
    c.out().trustedNetworks.push_back(places::vpnCidrUs());
    c.out().trustedNetworks.push_back(places::vpnCidrNl());
    c.trap({"ImpossibleTravel", "SessionAnomaly"}, victor, {us.ip, nl.ip}, start, Tenant::at(1, 21, 0, 0),
           "trusted_networks",
           "corporate VPN egress in " + places::vpnCidrUs() + " (US) and " + places::vpnCidrNl()
               + " (NL): the exit changed, the user did not move");
    c.story("benign-vpn (trap)\n"
            "  " + when(start) + " .. " + when(Tenant::at(1, 21, 0, 0)) + "  " + victor.upn
            + " works over the corporate VPN: exits " + us.ip + " (US) and " + nl.ip + " (NL)\n"
            "  alternate within one session, with browser sign-ins at " + when(nlAt) + " (NL) and " + when(usAt) + " (US).\n"
            "  Must not raise ImpossibleTravel or SessionAnomaly once tuning.json lists the VPN ranges in trusted_networks.");
}

void benignMigrationScenario(ScenarioContext &c)
{
    RecordBuilder &b = c.build();
    SimRandom &rng = c.rng();
    const Place office = places::office();
    auto adminOnly = [](int, DayPlan &plan) { plan.works = false; }; // admin accounts sign in only to administer
    const User migration = c.addUser("migration.admin", "Migration Admin (Rob Tanaka)", 48, "IT", adminOnly);
    const User itops = c.addUser("it.ops", "IT Operations (Mei Sato)", 49, "IT", adminOnly);

    // Thursday cutover: twelve people who came with the Fabrikam acquisition get a rule that
    // redirects their new mailbox to the old one until the MX records have moved.
    const std::int64_t signInAt = Tenant::at(3, 14, 2, 17);
    const SignIn adminSignIn = b.signIn(migration, office, signInAt, ClientApp::ExchangePowerShell, true);
    b.auditSignIn(migration, adminSignIn);
    const ClientSession shell = b.session(migration, adminSignIn, ClientApp::ExchangePowerShell);
    std::int64_t t = signInAt + 3 * kMinute;
    const std::int64_t first = t;
    const std::vector<User> &staff = c.tenant().staff();
    for (int i = 0; i < 12; ++i) {
        const User &owner = staff[static_cast<std::size_t>(2 + 3 * i)];
        const std::string local = owner.upn.substr(0, owner.upn.find('@'));
        b.cmdlet(shell, "New-InboxRule", t,
                 {{"Mailbox", owner.upn},
                  {"Name", "Fabrikam cutover - redirect"},
                  {"RedirectTo", local + "@fabrikam.example"},
                  {"StopProcessingRules", "False"}},
                 owner.upn + "\\Fabrikam cutover - redirect");
        t += rng.between(90, 200) * kSecond;
    }
    const std::int64_t last = t;

    // Offboarding: a leaver's mail goes to her manager, inside the tenant.
    const std::int64_t opsAt = Tenant::at(3, 15, 10, 51);
    const SignIn opsSignIn = b.signIn(itops, office, opsAt, ClientApp::ExchangePowerShell, true);
    b.auditSignIn(itops, opsSignIn);
    const ClientSession opsShell = b.session(itops, opsSignIn, ClientApp::ExchangePowerShell);
    const User &leaver = staff[33];
    const User &manager = staff[0];
    b.cmdlet(opsShell, "Set-Mailbox", opsAt + 2 * kMinute,
             {{"Identity", leaver.upn}, {"ForwardingAddress", manager.upn}, {"DeliverToMailboxAndForward", "True"}},
             leaver.upn);

    c.out().adminAccounts.push_back(migration.upn);
    c.out().adminAccounts.push_back(itops.upn);
    // Over the office's dual-stack network an admin's Exchange records may carry the IPv6 address.
    auto officeIps = [&](const User &u) {
        std::vector<std::string> ips = {office.ip};
        if (u.ipv6AtOffice)
            ips.push_back(places::officeIpv6());
        return ips;
    };
    c.trap({"InboxRuleManipulation"}, migration, officeIps(migration), first, last, "admin_accounts",
           "12 RedirectTo rules to the users' old Fabrikam mailboxes, created by the migration admin during cutover");
    c.trap({"InboxRuleManipulation"}, itops, officeIps(itops), opsAt + 2 * kMinute, opsAt + 2 * kMinute, "admin_accounts",
           "offboarding: Set-Mailbox -ForwardingAddress to the leaver's manager, inside the tenant");
    c.story("benign-migration (trap)\n"
            "  " + when(first) + " .. " + when(last) + "  " + migration.upn
            + " creates \"Fabrikam cutover - redirect\" rules (RedirectTo <user>@fabrikam.example)\n"
            "  for 12 mailboxes from the office, in Exchange Online PowerShell.\n"
            "  " + when(opsAt + 2 * kMinute) + "  " + itops.upn + " forwards the leaver " + leaver.upn + " to " + manager.upn
            + ".\n"
            "  Must not raise InboxRuleManipulation once tuning.json lists both in admin_accounts.");
}

void benignTransactionalScenario(ScenarioContext &c)
{
    RecordBuilder &b = c.build();
    SimRandom &rng = c.rng();
    const Place app = places::appServer();
    const User notifications = c.addUser("notifications", "Contoso Order Notifications", 50, "Service",
                                         [](int, DayPlan &plan) { plan.works = false; });
    // Thursday's end-of-quarter rush: 500 shipping notices an hour for three hours, sent by the
    // order system through Graph with the service mailbox's token (refreshed hourly).
    static const char *domains[] = {"example.com", "example.net", "example.org"};
    std::int64_t first = 0, last = 0;
    int order = 104200;
    for (int hour = 0; hour < 3; ++hour) {
        const std::int64_t from = Tenant::at(3, 13 + hour, 0);
        const SignIn token = b.signIn(notifications, app, from - 2 * kMinute + rng.between(0, 60) * kSecond,
                                      ClientApp::ServiceApp, false);
        const ClientSession session = b.session(notifications, token, ClientApp::ServiceApp);
        std::vector<std::int64_t> times;
        for (int i = 0; i < 500; ++i)
            times.push_back(rng.between(from, from + 60 * kMinute - 1) / kSecond * kSecond);
        std::sort(times.begin(), times.end());
        for (const std::int64_t t : times) {
            const std::string to = "customer" + std::to_string(rng.between(10000, 99999)) + "@"
                                   + domains[rng.between(0, 2)];
            b.send(session, t, "Your order #" + std::to_string(order++) + " has shipped", {to});
        }
        if (hour == 0)
            first = times.front();
        last = times.back();
    }
    c.out().serviceAccounts.push_back(notifications.upn);
    c.trap({"BulkEmailSending"}, notifications, {app.ip}, first, last, "service_accounts",
           "the order system's transactional mailbox: 1,500 shipping notices in three hours from the company's "
           "app in Azure");
    c.story("benign-transactional (trap)\n"
            "  " + when(first) + " .. " + when(last) + "  " + notifications.upn + " sends 500 shipping notices an hour from "
            + app.ip + " (" + app.network + ").\n"
            "  Must not raise BulkEmailSending once tuning.json lists it in service_accounts.");
}

} // namespace mp::sim
