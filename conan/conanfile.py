import os
import re

from conan import ConanFile
from conan.errors import ConanInvalidConfiguration
from conan.tools.build import check_min_cppstd
from conan.tools.files import copy, load
from conan.tools.layout import basic_layout

required_conan_version = ">=2.0"


class SoftmacConan(ConanFile):
    name = "softmac"
    description = "Header-only, policy-based C++20 framework for soft-MAC 802.11 stacks"
    license = "MIT"
    homepage = "https://softmac.invalid"
    url = "https://softmac.invalid"
    topics = ("802.11", "wifi", "wi-fi-direct", "p2p", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    no_copy_source = True

    _minimum_compilers = {"gcc": "12", "clang": "16", "apple-clang": "15"}

    def set_version(self):
        cmake = load(self, os.path.join(self.recipe_folder, "..", "CMakeLists.txt"))
        self.version = re.search(r"project\(softmac VERSION (\S+)", cmake).group(1)

    def export_sources(self):
        root = os.path.join(self.recipe_folder, "..")
        for pattern in ("include/*", "drivers/*", "cmake/*", "CMakeLists.txt", "LICENSE"):
            copy(self, pattern, src=root, dst=self.export_sources_folder)

    def layout(self):
        basic_layout(self, src_folder="src")

    def requirements(self):
        self.requires("boost/1.74.0", transitive_headers=True)
        # softmac::crypto (software CCMP, the RSN handshakes) and the simulated rt73 need it.
        self.requires("openssl/[>=3.0 <4]", transitive_headers=True)

    def package_id(self):
        self.info.clear()

    def validate(self):
        check_min_cppstd(self, 20)
        minimum = self._minimum_compilers.get(str(self.settings.compiler))
        if minimum and int(str(self.settings.compiler.version).split(".")[0]) < int(minimum):
            raise ConanInvalidConfiguration(
                f"softmac needs C++20 concepts: {self.settings.compiler} >= {minimum}")

    def source(self):
        pass

    def build(self):
        pass

    def package(self):
        copy(self, "LICENSE", src=self.source_folder, dst=os.path.join(self.package_folder, "licenses"))
        copy(self, "*.hpp", src=os.path.join(self.source_folder, "include"),
             dst=os.path.join(self.package_folder, "include"))
        for driver in ("loopback", "rt73"):
            copy(self, "*.hpp", src=os.path.join(self.source_folder, "drivers", driver, "include"),
                 dst=os.path.join(self.package_folder, "include"))

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "softmac")
        self.cpp_info.set_property("cmake_target_name", "softmac::softmac")
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []
        self.cpp_info.resdirs = []
        self.cpp_info.components["core"].set_property("cmake_target_name", "softmac::softmac")
        self.cpp_info.components["core"].requires = ["boost::headers"]
        self.cpp_info.components["crypto"].set_property("cmake_target_name", "softmac::crypto")
        self.cpp_info.components["crypto"].requires = ["core", "openssl::crypto"]
