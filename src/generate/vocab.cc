#include "generate/vocab.h"

namespace zcdp::synth {
namespace {

constexpr std::string_view kFirstNames[] = {
    "Jane",    "John",    "Marie",   "Pierre",  "Camille",  "Lucas",     "Emma",      "Louis",
    "Chloe",   "Hugo",    "Lea",     "Jules",   "Manon",    "Gabriel",   "Ines",      "Arthur",
    "Sarah",   "Adam",    "Julie",   "Nathan",  "Laura",    "Tom",       "Clara",     "Leo",
    "Alice",   "Paul",    "Anna",    "Victor",  "Lina",     "Noah",      "Zoe",       "Ethan",
    "Eva",     "Raphael", "Jade",    "Maxime",  "Lucie",    "Antoine",   "Louise",    "Thomas",
    "Sophie",  "Nicolas", "Emilie",  "Julien",  "Claire",   "Mathieu",   "Pauline",   "Alexandre",
    "Celine",  "Romain",  "Elodie",  "Kevin",   "Amandine", "Florian",   "Aurelie",   "Quentin",
    "Marion",  "Bastien", "Margaux", "Vincent", "Oceane",   "Sebastien", "Charlotte", "Yanis",
    "Mohamed", "Fatima",  "Karim",   "Yasmine", "Mehdi",    "Nadia",     "Omar",      "Salma",
    "David",   "Rachel",  "Samuel",  "Esther",  "Daniel",   "Nina",      "Simon",     "Agathe",
    "Olivia",  "Liam",    "Mia",     "Oscar",   "Ella",     "Felix",     "Rose",      "Theo",
    "Alba",    "Marco",   "Giulia",  "Luca",    "Elena",    "Diego",     "Lucia",     "Mateo",
};

constexpr std::string_view kLastNames[] = {
    "Doe",       "Martin",    "Bernard",  "Thomas",   "Petit",    "Robert",   "Richard",
    "Durand",    "Dubois",    "Moreau",   "Laurent",  "Simon",    "Michel",   "Lefebvre",
    "Leroy",     "Roux",      "David",    "Bertrand", "Morel",    "Fournier", "Girard",
    "Bonnet",    "Dupont",    "Lambert",  "Fontaine", "Rousseau", "Vincent",  "Muller",
    "Lefevre",   "Faure",     "Andre",    "Mercier",  "Blanc",    "Guerin",   "Boyer",
    "Garnier",   "Chevalier", "Francois", "Legrand",  "Gauthier", "Garcia",   "Perrin",
    "Robin",     "Clement",   "Morin",    "Nicolas",  "Henry",    "Roussel",  "Mathieu",
    "Gautier",   "Masson",    "Marchand", "Duval",    "Denis",    "Dumont",   "Marie",
    "Lemaire",   "Noel",      "Meyer",    "Dufour",   "Meunier",  "Brun",     "Blanchard",
    "Giraud",    "Joly",      "Riviere",  "Lucas",    "Brunet",   "Gaillard", "Barbier",
    "Arnaud",    "Martinez",  "Gerard",   "Roche",    "Renard",   "Schmitt",  "Roy",
    "Leroux",    "Colin",     "Vidal",    "Caron",    "Picard",   "Roger",    "Fabre",
    "Aubert",    "Lemoine",   "Renaud",   "Dumas",    "Lacroix",  "Olivier",  "Philippe",
    "Bourgeois", "Pierre",    "Benoit",   "Rey",      "Smith",
};

constexpr City kCities[] = {
    {"Paris", "FR"},    {"Lyon", "FR"},     {"Marseille", "FR"},  {"Toulouse", "FR"},
    {"Nice", "FR"},     {"Nantes", "FR"},   {"Strasbourg", "FR"}, {"Montpellier", "FR"},
    {"Bordeaux", "FR"}, {"Lille", "FR"},    {"Rennes", "FR"},     {"Reims", "FR"},
    {"Toulon", "FR"},   {"Grenoble", "FR"}, {"Dijon", "FR"},      {"Angers", "FR"},
    {"Nimes", "FR"},    {"Le Havre", "FR"}, {"Brest", "FR"},      {"Tours", "FR"},
    {"Brussels", "BE"}, {"Geneva", "CH"},   {"Luxembourg", "LU"}, {"Montreal", "CA"},
};

constexpr std::string_view kCategories[] = {"shoes",       "dresses", "shirts", "bags",
                                            "accessories", "jackets", "sport",  "sale"};

constexpr std::string_view kTypoDomains[] = {"exmaple.com", "example.con", "examlpe.net",
                                             "exampel.org", "example.cm",  "gmial.com"};

}  // namespace

std::span<const std::string_view> FirstNames() { return kFirstNames; }
std::span<const std::string_view> LastNames() { return kLastNames; }
std::span<const City> Cities() { return kCities; }
std::span<const std::string_view> Categories() { return kCategories; }
std::span<const std::string_view> TypoDomains() { return kTypoDomains; }

}  // namespace zcdp::synth
